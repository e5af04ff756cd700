package main

import "strings"

// Group is one row of the table: what the CPU is doing in a sample.
type Group struct {
	Name string
	// Kernel is true for the kernel's work, done in system calls, page
	// faults and interrupts on the program's behalf; false for the
	// program's own code, the Go runtime included.
	Kernel bool
}

// The groups, in the order of the table. A system call's samples go to its
// group whether the CPU is inside the kernel or on the Go side of the
// syscall instruction (the call's entry and exit).
var (
	tcpConnect  = Group{"TCP: socket, connect, socket options", true}
	tcpSendRecv = Group{"TCP: write the request, read the answer", true}
	tcpClose    = Group{"TCP: close", true}
	epollCtl    = Group{"epoll: register, remove (epoll_ctl)", true}
	epollWait   = Group{"epoll: wait (epoll_pwait)", true}
	threadWakes = Group{"threads: futex, yield, signals (hand-offs)", true}
	sysmonSleep = Group{"threads: nanosleep (the runtime's sysmon)", true}
	memory      = Group{"memory: page faults, madvise, mmap", true}
	interrupts  = Group{"kernel: timer and other interrupts", true}
	kernelRest  = Group{"kernel: start-up and the rest", true}

	goGC        = Group{"Go: garbage collector (mark, sweep)", false}
	goAlloc     = Group{"Go: allocation (mallocgc, growing maps and slices)", false}
	goStacks    = Group{"Go: goroutine stacks (make, grow, free)", false}
	goScheduler = Group{"Go: scheduler, netpoller, timers, channels", false}
	httpParse   = Group{"HTTP parsing (net/http.ReadResponse, bufio)", false}
	mainCode    = Group{"the program's own code (package main)", false}
	goNet       = Group{"Go's net package, syscall wrappers", false}
	goRest      = Group{"Go: the rest (runtime and libraries)", false}
)

// Groups lists every group in table order: the kernel's first.
var Groups = []Group{
	tcpConnect, tcpSendRecv, tcpClose, epollCtl, epollWait, threadWakes, sysmonSleep, memory, interrupts, kernelRest,
	goGC, goAlloc, goStacks, goScheduler, httpParse, mainCode, goNet, goRest,
}

// callGroups maps a system call to its group. On these programs' sockets a
// read or write is TCP; an eventfd's is a wake-up (see Classify).
var callGroups = map[string]Group{
	"socket": tcpConnect, "connect": tcpConnect, "setsockopt": tcpConnect, "getsockopt": tcpConnect,
	"getsockname": tcpConnect, "getpeername": tcpConnect,
	"read": tcpSendRecv, "write": tcpSendRecv, "sendto": tcpSendRecv, "recvfrom": tcpSendRecv,
	"close":     tcpClose,
	"epoll_ctl": epollCtl, "epoll_pwait": epollWait, "epoll_wait": epollWait,
	"futex": threadWakes, "sched_yield": threadWakes, "tgkill": threadWakes, "rt_sigreturn": threadWakes,
	"nanosleep": sysmonSleep,
	"madvise":   memory, "mmap": memory, "munmap": memory,
}

// syscallStubs are the Go functions that hold the syscall instruction: a
// sample there is the call's entry or exit, and counts for the call.
var syscallStubs = map[string]bool{
	"internal/runtime/syscall/linux.Syscall6": true, "syscall.RawSyscall6": true, "syscall.Syscall6": true,
	"syscall.RawSyscall": true, "syscall.Syscall": true,
	"runtime.usleep.abi0": true, "runtime.futex.abi0": true, "runtime.osyield.abi0": true, "runtime.tgkill.abi0": true,
	"runtime.madvise.abi0": true, "runtime.sysMmap.abi0": true, "runtime.munmap.abi0": true,
}

// goCallers name the system call from the Go function that makes it, for the
// samples whose kernel frames do not (the entry and exit of a call, where
// the kernel re-enables interrupts, and the Go side of it). The first
// substring found, innermost frame first, wins.
var goCallers = []struct{ in, call string }{
	{"main.rawRead", "read"}, {"main.rawWrite", "write"}, {"main.rawConnect", "connect"},
	{"main.rawClose", "close"}, {"unix.socket", "socket"}, {"unix.EpollCtl", "epoll_ctl"},
	{"unix.EpollWait", "epoll_pwait"}, {"unix.Close", "close"},
	{"runtime_pollOpen", "epoll_ctl"}, {"runtime_pollClose", "epoll_ctl"}, {"runtime.netpollopen", "epoll_ctl"},
	{"runtime.netpollclose", "epoll_ctl"}, {"runtime.netpoll", "epoll_pwait"},
	{"syscall.setsockopt", "setsockopt"}, {"syscall.getsockopt", "getsockopt"}, {"syscall.getsockname", "getsockname"},
	{"syscall.getpeername", "getpeername"}, {"syscall.socket", "socket"}, {"syscall.connect", "connect"},
	{"syscall.read", "read"}, {"syscall.write", "write"}, {"syscall.Close", "close"},
	{"runtime.usleep", "nanosleep"}, {"runtime.futex", "futex"}, {"runtime.osyield", "sched_yield"},
	{"runtime.tgkill", "tgkill"}, {"runtime.madvise", "madvise"}, {"runtime.sysMmap", "mmap"}, {"runtime.munmap", "munmap"},
}

// The Go side's groups by function-name prefix.
var (
	gcPrefixes = []string{
		"runtime.gcBgMarkWorker", "runtime.gcDrain", "runtime.gcAssistAlloc", "runtime.bgsweep", "runtime.sweepone",
		"runtime.markroot", "runtime.scanstack", "runtime.bgscavenge", "runtime.gcStart", "runtime.gcMarkDone",
		"runtime.gcMarkTermination", "runtime.scanObject", "runtime.scanobject", "runtime.tryDeferToSpanScan",
		"runtime.(*sweepLocked).sweep", "runtime.(*mspan).sweep", "runtime.gcFlushBgCredit", "runtime.greyobject",
		"runtime.(*gcWork)", "runtime.gcMark", "internal/runtime/gc/scan.", "runtime.scanSpan", "runtime.gcController",
	}
	stackPrefixes = []string{
		"runtime.newproc", "runtime.malg", "runtime.stackalloc", "runtime.stackpoolalloc", "runtime.stackfree",
		"runtime.copystack", "runtime.newstack", "runtime.morestack", "runtime.gfget", "runtime.gfput", "runtime.goexit0",
	}
	allocPrefixes = []string{
		"runtime.mallocgc", "runtime.newobject", "runtime.growslice", "runtime.makeslice", "runtime.makemap",
		"runtime.(*mcache).refill", "runtime.(*mheap).alloc", "runtime.rawstring", "runtime.slicebytetostring",
		"runtime.concatstring", "runtime.rawbyteslice", "internal/runtime/maps.(*table).split",
		"internal/runtime/maps.(*table).grow", "internal/runtime/maps.newTable", "internal/runtime/maps.(*Map).growToTable",
		"internal/runtime/maps.(*Map).growToSmall", "internal/runtime/maps.newarray", "runtime.newarray",
	}
	schedulerPrefixes = []string{
		"runtime.schedule", "runtime.findRunnable", "runtime.mcall", "runtime.park_m", "runtime.gopark",
		"runtime.goready", "runtime.ready", "runtime.wakep", "runtime.startm", "runtime.stopm", "runtime.exitsyscall",
		"runtime.entersyscall", "runtime.reentersyscall", "runtime.runqsteal", "runtime.runqgrab", "runtime.stealWork",
		"runtime.sysmon", "runtime.retake", "runtime.handoffp", "runtime.lock2", "runtime.unlock2", "runtime.notesleep",
		"runtime.notewakeup", "runtime.netpollblock", "runtime.netpollready", "runtime.netpollunblock", "runtime.execute",
		"runtime.gogo", "runtime.goexit1", "runtime.mstart", "runtime.(*timer)", "runtime.(*timers)", "runtime.checkTimers",
		"runtime.casgstatus", "runtime.runqput", "runtime.runqget", "runtime.globrunq", "runtime.acquirep",
		"runtime.releasep", "runtime.resetspinning", "runtime.chansend", "runtime.chanrecv", "runtime.selectgo",
		"runtime.selectnbsend", "runtime.LockOSThread", "runtime.lockOSThread", "runtime.preempt",
		"runtime.asyncPreempt", "runtime.sighandler", "runtime.sigtramp",
		"internal/poll.(*pollDesc).wait", "internal/poll.runtime_pollWait", "runtime.poll_runtime",
	}
	httpPrefixes = []string{"net/http.", "net/textproto.", "bufio.", "main.parseResponse"}
	netPrefixes  = []string{"net.", "internal/poll.", "syscall.", "golang.org/x/sys/unix.", "context."}
)

// Classify names the group of one sample.
//
// The kernel's samples go by the system call they are in (its
// __x64_sys_NAME frame), else by what took the CPU into the kernel: a page fault,
// an interrupt (network work in a soft interrupt is TCP), a wake-up between
// CPUs. When the kernel frames do not name the call, the Go function that
// made it does.
//
// The program's samples are the garbage collector's when a collector
// function is anywhere in the chain (its work is done on behalf of all).
// Otherwise the innermost frame that says what the work is for decides: a
// map lookup or a memmove counts for the code that called it, an
// allocation for allocation wherever its caller is.
func Classify(s Sample) Group {
	if len(s) == 0 {
		return goRest
	}
	leaf := s[0]
	if leaf.InKernel() || syscallStubs[leaf.Sym] {
		return classifyKernel(s)
	}
	for _, f := range s {
		if hasAnyPrefix(f.Sym, gcPrefixes) {
			return goGC
		}
	}
	for _, f := range s {
		if f.InKernel() {
			continue
		}
		switch {
		case hasAnyPrefix(f.Sym, stackPrefixes):
			return goStacks
		case hasAnyPrefix(f.Sym, allocPrefixes):
			return goAlloc
		case hasAnyPrefix(f.Sym, httpPrefixes) || strings.Contains(f.Sym, "plan.ReadAnswer"):
			return httpParse
		case hasAnyPrefix(f.Sym, schedulerPrefixes):
			return goScheduler
		case hasAnyPrefix(f.Sym, netPrefixes):
			return goNet
		case strings.HasPrefix(f.Sym, "main."):
			return mainCode
		}
	}
	return goRest
}

// classifyKernel is Classify for a sample in the kernel or in a syscall stub.
func classifyKernel(s Sample) Group {
	var kernel []string
	for _, f := range s {
		if f.InKernel() {
			kernel = append(kernel, f.Sym)
		}
	}
	call := ""
	if s[0].InKernel() && len(kernel) > 0 {
		entry := kernel[len(kernel)-1] // the outermost frame: what took the CPU into the kernel
		switch {
		case strings.HasPrefix(entry, "asm_exc_page_fault"):
			return memory
		case strings.HasPrefix(entry, "asm_sysvec_reschedule_ipi"), strings.HasPrefix(entry, "asm_sysvec_call_function"):
			return threadWakes
		case strings.HasPrefix(entry, "asm_sysvec"), strings.HasPrefix(entry, "asm_common_interrupt"):
			for _, sym := range kernel {
				if hasAnyPrefix(sym, []string{"net_rx_action", "tcp_", "ip_"}) {
					return tcpSendRecv
				}
			}
			return interrupts
		}
		call = kernelCall(kernel)
		if call == "read" || call == "write" {
			for _, sym := range kernel {
				if strings.HasPrefix(sym, "eventfd_") {
					return threadWakes // an eventfd wakes a thread waiting in epoll
				}
			}
		}
	}
	if call == "" {
		call = goCall(s)
	}
	if g, ok := callGroups[call]; ok {
		return g
	}
	return kernelRest
}

// kernelCall is the system call named by the kernel frames, outermost
// first ("" when none does).
func kernelCall(kernel []string) string {
	for i := len(kernel) - 1; i >= 0; i-- {
		sym := kernel[i]
		for _, p := range []string{"__x64_sys_", "__do_sys_", "__se_sys_"} {
			if name, ok := strings.CutPrefix(sym, p); ok {
				return name
			}
		}
		switch sym {
		case "ksys_write":
			return "write"
		case "ksys_read":
			return "read"
		}
	}
	return ""
}

// goCall is the system call named by the Go frames ("" when none does).
func goCall(s Sample) string {
	for _, f := range s {
		if f.InKernel() {
			continue
		}
		for _, c := range goCallers {
			if strings.Contains(f.Sym, c.in) {
				return c.call
			}
		}
	}
	return ""
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
