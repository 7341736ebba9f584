/*
 * The framebuffer console: where the framebuffer is, how the kernel
 * reaches it, and when it draws.
 *
 * The console starts in console_init(), long before the kernel builds
 * its own page tables. Text written then goes only into the cells; it is
 * drawn once fb_map() has mapped the framebuffer write-combining:
 *
 *   fb_init:  the cells only; the screen keeps what the firmware and
 *             the boot loader left on it
 *   fb_map:   map it write-combining, clear it, draw every cell kept
 *             so far
 *
 * Why not draw earlier? The boot page tables do map the first 4 GiB of
 * physical memory (the early direct map, boot/entry.S), where most
 * framebuffers sit (QEMU's at 0xc0000000), but the firmware's memory
 * type registers (MTRRs) usually make that range uncached, so every
 * store is a bus transaction of its own: clearing a 4K screen that way
 * takes millions of them. Only a panic before fb_map() draws through it
 * (fb_panic()), since its report would otherwise never reach the
 * screen. A framebuffer above 4 GiB cannot be drawn on before fb_map()
 * at all.
 *
 * Write-combining: the CPU gathers writes to neighbouring addresses and
 * sends them to the device in bursts, instead of one bus transaction per
 * store (uncached) or caching lines of device memory (write-back, wrong
 * for memory that something else displays). Reads from it stay slow,
 * which is why fbcon.c never reads the framebuffer.
 *
 * Interrupts: fb_write() changes the cells with interrupts off, so that
 * a message printed by an interrupt handler cannot land in the middle of
 * a half-made change, and draws with interrupts as the caller had them
 * (fbcon.h draws the whole protocol). Like the VGA console, this assumes
 * one CPU: a second one would need a lock.
 */
#include "kernel/dev/fb.h"
#include "boot/bootinfo.h"
#include "kernel/cpu/x86.h"
#include "kernel/dev/fbcon.h"
#include "kernel/lib/printk.h"
#include "mm/kernel_space.h"
#include "mm/memlayout.h"

/* Room for 240 x 100 characters: 1920 x 1600 pixels of 8x16 glyphs, and
 * 3840 x 2160 with glyphs drawn twice as big. Larger screens keep a
 * margin on the right or at the bottom. */
#define FB_MAX_CELLS (240 * 100)

static struct fbcon fb_console;
static uint16_t fb_cells[FB_MAX_CELLS];
static uint32_t fb_shown[FB_MAX_CELLS];
static uint8_t *fb_early_pixels; /* through the early direct map, or NULL */
static paddr_t fb_phys;
static size_t fb_size; /* bytes: pitch * height */
static bool fb_ready;

bool
fb_init(const struct boot_framebuffer *bf)
{
	struct fb_surface screen = {
		.width = bf->width,
		.height = bf->height,
		.pitch = bf->pitch,
		.bytes_per_pixel = (uint8_t)((bf->bpp + 7) / 8),
		.red_pos = bf->red_pos,
		.red_size = bf->red_size,
		.green_pos = bf->green_pos,
		.green_size = bf->green_size,
		.blue_pos = bf->blue_pos,
		.blue_size = bf->blue_size,
	};

	fb_phys = bf->addr;
	fb_size = (size_t)bf->pitch * bf->height;
	if (fb_phys + fb_size <= EARLY_DIRECT_MAP_SIZE)
		fb_early_pixels = phys_to_virt(fb_phys);
	fb_ready = fbcon_init(&fb_console, &screen, &font_console, fb_cells,
			      fb_shown, FB_MAX_CELLS);
	if (!fb_ready)
		pr_warn("fb: cannot draw on a %ux%u framebuffer of %u bpp\n",
			bf->width, bf->height, bf->bpp);
	return fb_ready;
}

/* The drawer's loop: draw until nothing is left, with interrupts as the
 * caller has them; only the checks turn them off. */
static void
fb_draw(void)
{
	uint64_t flags;
	bool done;

	do {
		fbcon_draw(&fb_console);
		flags = irq_save();
		done = fbcon_draw_done(&fb_console);
		irq_restore(flags);
	} while (!done);
}

bool
fb_map(void)
{
	uint8_t *wc =
		kernel_map_device(fb_phys, fb_size, DEVICE_WRITE_COMBINING);
	uint8_t *pixels = wc ? wc : fb_early_pixels;

	if (!pixels) {
		fb_ready = false;
		pr_warn("fb: cannot map the framebuffer at %#llx\n",
			(unsigned long long)fb_phys);
		return false;
	}
	uint64_t flags = irq_save();
	bool drawer = fbcon_set_pixels(&fb_console, pixels);
	irq_restore(flags);
	if (drawer)
		fb_draw();
	pr_info("fb: %ux%u characters of %ux%u pixels on %ux%u, %u bytes a pixel, %s\n",
		fb_console.columns, fb_console.rows, fb_console.cell_width,
		fb_console.cell_height, fb_console.screen.width,
		fb_console.screen.height, fb_console.screen.bytes_per_pixel,
		wc ? "write-combining" : "through the direct map");
	return true;
}

void
fb_write(const char *s, size_t n, uint8_t colour)
{
	if (!fb_ready)
		return;
	uint64_t flags = irq_save();
	bool drawer = fbcon_write(&fb_console, s, n, colour);
	irq_restore(flags);
	if (drawer)
		fb_draw();
}

bool
fb_hold(void)
{
	if (!fb_ready)
		return false;
	uint64_t flags = irq_save();
	bool drawer = fbcon_claim(&fb_console);
	irq_restore(flags);
	return drawer;
}

void
fb_release(bool held)
{
	if (held)
		fb_draw();
}

void
fb_panic(void)
{
	if (fb_ready)
		fbcon_take_over(&fb_console, fb_early_pixels);
}
