/*
 * The framebuffer console: where the framebuffer is, and how the kernel
 * reaches it during boot.
 *
 * The console starts in console_init(), long before the kernel builds
 * its own page tables, because the first messages matter most on a
 * machine with no serial port. At that point only the boot page tables
 * exist, and they map the first 4 GiB of physical memory (the early
 * direct map, boot/entry.S) with ordinary write-back caching. So:
 *
 *   framebuffer below 4 GiB          framebuffer above 4 GiB
 *   (QEMU: 0xc0000000; most PCs)     (some real machines)
 *
 *   fb_init: draw through the        fb_init: no pixels yet; text goes
 *            early direct map                 only into the cells
 *   fb_map:  map it write-combining  fb_map:  map it write-combining,
 *            and draw there                   draw every cell kept so far
 *
 * Either way nothing is lost: the cells are the console's own copy of
 * the text, so they are also the buffer for the messages written before
 * the screen could be reached.
 *
 * Write-combining: the CPU gathers writes to neighbouring addresses and
 * sends them to the device in bursts, instead of one bus transaction per
 * byte (uncached) or caching lines of device memory (write-back, wrong
 * for memory that something else displays). Reads from it stay slow,
 * which is why fbcon.c never reads the framebuffer.
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
		screen.pixels = phys_to_virt(fb_phys);
	fb_ready = fbcon_init(&fb_console, &screen, &font_console, fb_cells,
			      FB_MAX_CELLS);
	if (!fb_ready)
		pr_warn("fb: cannot draw on a %ux%u framebuffer of %u bpp\n",
			bf->width, bf->height, bf->bpp);
	return fb_ready;
}

bool
fb_map(void)
{
	uint8_t *wc =
		kernel_map_device(fb_phys, fb_size, DEVICE_WRITE_COMBINING);

	if (!wc && !fb_console.screen.pixels) {
		fb_ready = false;
		pr_warn("fb: cannot map the framebuffer at %#llx\n",
			(unsigned long long)fb_phys);
		return false;
	}
	if (wc) {
		uint64_t flags = irq_save();
		fbcon_set_pixels(&fb_console, wc);
		irq_restore(flags);
	}
	pr_info("fb: %ux%u characters of %ux%u pixels on %ux%u, %u bytes a pixel, %s\n",
		fb_console.columns, fb_console.rows, fb_console.cell_width,
		fb_console.cell_height, fb_console.screen.width,
		fb_console.screen.height, fb_console.screen.bytes_per_pixel,
		wc ? "write-combining" : "through the direct map");
	return true;
}

/* Interrupts stay off while the cells and the cursor change, so that a
 * message printed by an interrupt handler cannot land in the middle of
 * a half-made change. Like the VGA console, this assumes one CPU: a
 * second one would need a lock here. */
void
fb_write(const char *s, size_t n, uint8_t colour)
{
	if (!fb_ready)
		return;
	uint64_t flags = irq_save();
	fbcon_write(&fb_console, s, n, colour);
	irq_restore(flags);
}
