// glibc's malloc tuning (mallopt), which the Glibc module does not export: the CLI sets the
// heap's growth step once at start (ImageGateCommand.main).
#include <malloc.h>
