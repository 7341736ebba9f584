# The user-space ABI tests: static musl programs, one per area of the
# system-call ABI, and the runner that runs them as process 1 in Sprout.
# See tests/user/README.md. The main Makefile includes this file; it
# defines BUILD and Q.
#
#   make user-tests                  $(BUILD)/tests/t_* and runner
#   make $(BUILD)/test-root.stamp    $(BUILD)/test-root/, a copy of what
#                                    the tests need of Sprout's root:
#                                    etc/motd, tests/* and tests/data/*,
#                                    an empty tmp/;
#                                    SPROUT_ROOT for running them on Linux
#
# Knob: MUSL_CC, the musl compiler driver (musl-gcc).

MUSL_CC ?= musl-gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -std=gnu11

USER_TEST_NAMES := t_console t_dirs t_exec t_files t_identity t_memory \
	t_handlers t_jobs t_pipes t_proc t_process t_signals t_threads t_time \
	t_rtsig t_timers t_write
USER_TESTS := $(patsubst %,$(BUILD)/tests/%,$(USER_TEST_NAMES))
USER_RUNNER := $(BUILD)/tests/runner
USER_TEST_ROOT := $(BUILD)/test-root

.PHONY: user-tests
user-tests: $(USER_TESTS) $(USER_RUNNER)

$(USER_TESTS) $(USER_RUNNER): $(BUILD)/tests/%: tests/user/%.c \
		tests/user/t.h tests/user/user.mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MUSLCC  $@")
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $<

# tests/data/ holds what t_exec needs to see ENOEXEC: an executable text
# file, and an executable that is the first 20 bytes of an ELF file.
$(BUILD)/test-root.stamp: $(USER_TESTS) $(USER_RUNNER) user/rootfs/etc/motd \
		tests/user/user.mk
	@$(if $(Q),echo "  STAGE   $(USER_TEST_ROOT)")
	$(Q)rm -rf $(USER_TEST_ROOT)
	$(Q)mkdir -p $(USER_TEST_ROOT)/etc $(USER_TEST_ROOT)/tests/data \
		$(USER_TEST_ROOT)/tmp
	$(Q)install -m 644 user/rootfs/etc/motd $(USER_TEST_ROOT)/etc/motd
	$(Q)install -m 755 $(USER_TESTS) $(USER_RUNNER) $(USER_TEST_ROOT)/tests/
	$(Q)printf 'This is not an ELF file.\n' \
		> $(USER_TEST_ROOT)/tests/data/not-elf
	$(Q)head -c 20 $(USER_RUNNER) > $(USER_TEST_ROOT)/tests/data/short-elf
	$(Q)chmod 755 $(USER_TEST_ROOT)/tests/data/not-elf \
		$(USER_TEST_ROOT)/tests/data/short-elf
	$(Q)touch $@
