/*
 * COM1 output, by polling. (Input, by interrupt, comes with the tty.)
 */
#include "kernel/dev/serial.h"
#include "kernel/cpu/io.h"
#include "kernel/cpu/trap.h"

#define COM1 0x3f8

/* Register offsets from the base port. */
#define UART_DATA 0 /* read: received byte; write: byte to send */
#define UART_IER  1 /* interrupt enable */
#define UART_FCR  2 /* FIFO control (write only) */
#define UART_LCR  3 /* line control: data bits, parity, divisor latch */
#define UART_MCR  4 /* modem control: DTR, RTS, OUT2, loopback */
#define UART_LSR  5 /* line status */
#define UART_SCR  7 /* scratch: a byte of storage, nothing else */

#define LCR_8N1		  0x03 /* 8 data bits, no parity, 1 stop bit */
#define LCR_DIVISOR_LATCH 0x80 /* DATA/IER become the baud divisor */
#define FCR_ENABLE_CLEAR  0xc7 /* FIFOs on, cleared, 14-byte trigger */
#define MCR_DTR_RTS_OUT2  0x0b /* OUT2 gates the IRQ line on PCs */
#define MCR_LOOPBACK	  0x1e
#define LSR_TX_EMPTY	  0x20 /* transmit holding register empty */
#define LSR_DATA_READY	  0x01 /* a received byte waits in DATA */
#define IER_RX_AVAILABLE  0x01 /* interrupt when a byte arrives */
#define BAUD_DIVISOR	  1    /* 115200 / 1 */

/* If the transmitter never becomes ready (a UART that is not really
 * there), give up after this many polls rather than hang the kernel. */
#define TX_POLL_LIMIT 100000

static bool serial_present;

bool
serial_init(void)
{
	/* Is anything there? A missing port reads 0xff for everything, so
	 * the scratch register cannot hold a value. */
	outb(COM1 + UART_SCR, 0x5a);
	if (inb(COM1 + UART_SCR) != 0x5a)
		return false;

	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, LCR_DIVISOR_LATCH);
	outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xff);
	outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);

	/* Loopback test: a byte sent must come straight back. */
	outb(COM1 + UART_MCR, MCR_LOOPBACK);
	outb(COM1 + UART_DATA, 0xae);
	if (inb(COM1 + UART_DATA) != 0xae)
		return false;

	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	serial_present = true;
	return true;
}

static void
serial_putc(char c)
{
	for (int i = 0; i < TX_POLL_LIMIT; i++)
		if (inb(COM1 + UART_LSR) & LSR_TX_EMPTY)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void
serial_write(const char *s, size_t n)
{
	if (!serial_present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r'); /* terminals want CR LF */
		serial_putc(s[i]);
	}
}

static void (*input_handler)(char c);

static void
serial_interrupt(struct trap_frame *tf)
{
	(void)tf;
	while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
		char c = (char)inb(COM1 + UART_DATA);
		if (input_handler)
			input_handler(c);
	}
}

void
serial_on_input(void (*fn)(char c))
{
	if (!serial_present)
		return;
	input_handler = fn;
	irq_register(IRQ_COM1, serial_interrupt);
	outb(COM1 + UART_IER, IER_RX_AVAILABLE);
}
