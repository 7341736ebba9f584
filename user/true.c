/*
 * true: do nothing, successfully. Shell scripts use it as a condition that
 * always holds; it ignores its arguments, as the POSIX one does.
 */
int
main(void)
{
	return 0;
}
