# User programs: static musl binaries, and the staging tree that becomes
# the initramfs. The main Makefile includes this file; it provides BUILD
# (the build directory) and Q (@, or empty with V=1).
#
#   make user                   every program, in $(BUILD)/user/
#   make $(BUILD)/rootfs.stamp  the staging tree $(BUILD)/rootfs/
#
# A new program user/NAME.c: add NAME to USER_PROGRAMS. It is installed as
# bin/NAME unless user_dest_NAME says otherwise.

MUSL_CC ?= musl-gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -std=gnu11

USER_PROGRAMS := init sh echo cat ls true false sleep uname poweroff fault kill \
	ps pstree
USER_BINS := $(addprefix $(BUILD)/user/,$(USER_PROGRAMS))

# Where a program goes in the root file system, when not bin/NAME.
user_dest_init := sbin/init
user_dest = $(or $(user_dest_$(1)),bin/$(1))

# Second copies, as "path:program". Copies, not symbolic links: the
# kernel has no symbolic links yet. poweroff restarts when run as reboot.
USER_COPIES := sbin/poweroff:poweroff sbin/reboot:poweroff

# Every program file of the tree, as "path:program".
USER_INSTALL := $(foreach p,$(USER_PROGRAMS),$(call user_dest,$(p)):$(p)) \
	$(USER_COPIES)

# Other files, such as etc/motd, copied as they are.
USER_ROOTFS_FILES := $(shell find user/rootfs -type f 2>/dev/null)

# Rules made here must not become the default goal of the including
# Makefile: remember its default goal and restore it at the end.
user_saved_goal := $(.DEFAULT_GOAL)

.PHONY: user
user: $(USER_BINS)

$(USER_BINS): $(BUILD)/user/%: user/%.c user/user.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MUSLCC  $@")
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $<

# Built from scratch each time, so that nothing removed lingers in it;
# /tmp is an empty directory for scratch files, as on Linux.
# In the shell loop, $${f%%:*} is the path and $${f#*:} the program.
$(BUILD)/rootfs.stamp: $(USER_BINS) $(USER_ROOTFS_FILES) user/user.mk
	@$(if $(Q),echo "  ROOTFS  $(BUILD)/rootfs")
	$(Q)rm -rf $(BUILD)/rootfs
	$(Q)mkdir -p $(BUILD)/rootfs
	$(Q)cp -R user/rootfs/. $(BUILD)/rootfs/
	$(Q)mkdir -m 1777 $(BUILD)/rootfs/tmp
	$(Q)set -e; for f in $(USER_INSTALL); do \
		dest=$(BUILD)/rootfs/$${f%%:*}; \
		mkdir -p $$(dirname $$dest); \
		cp $(BUILD)/user/$${f#*:} $$dest; \
	done
	$(Q)touch $@

.DEFAULT_GOAL := $(user_saved_goal)
