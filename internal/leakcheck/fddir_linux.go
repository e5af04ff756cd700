package leakcheck

// fdDir is where Linux lists the process's open descriptors, each a
// symbolic link to what it is.
const fdDir = "/proc/self/fd"
