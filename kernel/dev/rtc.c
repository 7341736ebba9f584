/*
 * CMOS real-time clock. Its registers are read through an index port and
 * a data port; values are BCD unless status register B says binary, and
 * the hour may be 12-hour with a PM bit. A read can straddle an update,
 * so we read until two readings in a row agree.
 */
#include "kernel/dev/rtc.h"
#include "kernel/cpu/io.h"

#define CMOS_INDEX	 0x70
#define CMOS_DATA	 0x71
#define CMOS_NMI_DISABLE 0x80
#define RTC_SECONDS	 0x00
#define RTC_MINUTES	 0x02
#define RTC_HOURS	 0x04
#define RTC_DAY		 0x07
#define RTC_MONTH	 0x08
#define RTC_YEAR	 0x09
#define RTC_STATUS_A	 0x0a
#define RTC_STATUS_B	 0x0b
#define RTC_A_UPDATING	 0x80
#define RTC_B_24_HOUR	 0x02
#define RTC_B_BINARY	 0x04
#define RTC_HOUR_PM	 0x80
#define RTC_READ_TRIES	 10

struct rtc_time {
	unsigned second, minute, hour, day, month, year;
};

static uint8_t
cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

static void
rtc_read_raw(struct rtc_time *t)
{
	for (int i = 0;
	     i < 100000 && (cmos_read(RTC_STATUS_A) & RTC_A_UPDATING); i++)
		;
	t->second = cmos_read(RTC_SECONDS);
	t->minute = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
}

static unsigned
from_bcd(unsigned v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

/* The civil-to-days algorithm: count days in whole 400-year eras, then
 * in the era, with March as the first month so leap days fall last. */
int64_t
rtc_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	unsigned yoe = (unsigned)(year - era * 400);
	unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

uint64_t
rtc_read_unix_time(void)
{
	struct rtc_time a, b;
	int tries = 0;

	rtc_read_raw(&b);
	do {
		a = b;
		rtc_read_raw(&b);
	} while ((a.second != b.second || a.minute != b.minute ||
		  a.hour != b.hour || a.day != b.day || a.month != b.month ||
		  a.year != b.year) &&
		 ++tries < RTC_READ_TRIES);

	uint8_t status = cmos_read(RTC_STATUS_B);
	bool pm = b.hour & RTC_HOUR_PM;
	b.hour &= ~RTC_HOUR_PM;
	if (!(status & RTC_B_BINARY)) {
		b.second = from_bcd(b.second);
		b.minute = from_bcd(b.minute);
		b.hour = from_bcd(b.hour);
		b.day = from_bcd(b.day);
		b.month = from_bcd(b.month);
		b.year = from_bcd(b.year);
	}
	if (!(status & RTC_B_24_HOUR))
		b.hour = b.hour % 12 + (pm ? 12 : 0);
	/* A two-digit year: this century (the century register is not
	 * standard enough to trust). */
	unsigned year = 2000 + b.year;
	if (b.month < 1 || b.month > 12 || b.day < 1 || b.day > 31 ||
	    b.hour > 23 || b.minute > 59 || b.second > 60)
		return 0;
	int64_t days = rtc_days_from_civil(year, b.month, b.day);
	return (uint64_t)(days * 86400 + b.hour * 3600 + b.minute * 60 +
			  b.second);
}
