/*
 * The console tty: /dev/console, fds 0, 1 and 2 of init.
 *
 * Output goes to every console (serial, VGA). Input comes from the
 * serial port and the PS/2 keyboard, one character at a time, through a
 * line discipline that, like a terminal's "cooked" mode:
 *
 *   echoes what is typed          Backspace / DEL erases a character
 *   Ctrl-U erases the line        Enter ends the line: read() gets it
 *   Ctrl-D on an empty line is end of file (read returns 0)
 *   Ctrl-C discards the line      Ctrl-P lists the tasks (debugging)
 *
 * A program can switch to raw mode (no echo, no line editing) with
 * TCSETS, as editors do.
 *
 * Job control: the console is the controlling terminal of one session
 * at most (TIOCSCTTY), and one group of that session is in front
 * (tcsetpgrp): Ctrl-C, Ctrl-\ and Ctrl-Z signal it, and a background
 * group that reads the console, or changes it, is stopped by SIGTTIN or
 * SIGTTOU (docs/signals.md, section 12). When the session's leader
 * exits, the session loses the console, and the group in front gets
 * SIGHUP.
 */
#ifndef KERNEL_FS_TTY_H
#define KERNEL_FS_TTY_H

#include "kernel/lib/types.h"

/* Create /dev/console and /dev/tty, and take the keyboards' input. */
int tty_init(void);
/* One character typed (called from interrupt handlers). */
void tty_input(char c);
/* Session @sid's leader is exiting: if the console is the session's
 * controlling terminal, SIGHUP to the group in front, and the console
 * is free again. */
void tty_session_leader_exit(int sid);

#endif /* KERNEL_FS_TTY_H */
