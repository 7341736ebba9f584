/*
 * The PS/2 keyboard: the keyboard of a PC, and of QEMU's window.
 */
#ifndef KERNEL_DEV_KEYBOARD_H
#define KERNEL_DEV_KEYBOARD_H

/* Take IRQ 1 and hand each typed character to @fn. */
void keyboard_init(void (*fn)(char c));

#endif /* KERNEL_DEV_KEYBOARD_H */
