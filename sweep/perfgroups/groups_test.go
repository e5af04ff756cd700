package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// chain makes a sample: the kernel frames (innermost first), then the Go
// frames of the program, as perf prints a call chain.
func chain(kernel []string, program ...string) Sample {
	var s Sample
	for _, sym := range kernel {
		s = append(s, Frame{Sym: sym, DSO: "[kernel.kallsyms]"})
	}
	for _, sym := range program {
		s = append(s, Frame{Sym: sym, DSO: "/tmp/cpu/s06"})
	}
	return s
}

// The kernel's entry for a system call, outermost frames of every sample
// made in one.
var syscallEntry = []string{"do_syscall_64", "entry_SYSCALL_64_after_hwframe"}

func inSyscall(frames ...string) []string {
	return append(frames, syscallEntry...)
}

func TestClassifyKernelSamplesBySystemCall(t *testing.T) {
	cases := []struct {
		name   string
		sample Sample
		want   Group
	}{
		{"connect, named by its kernel frame",
			chain(inSyscall("tcp_v4_connect", "__sys_connect", "__x64_sys_connect"), "syscall.RawSyscall", "main.rawConnect"),
			tcpConnect},
		{"a setsockopt of Go's net package",
			chain(inSyscall("do_sock_setsockopt", "__x64_sys_setsockopt"), "syscall.setsockopt", "net.setNoDelay"),
			tcpConnect},
		{"a read on a socket (no __x64_sys_ frame: ksys_read names it)",
			chain(inSyscall("tcp_recvmsg_locked", "sock_read_iter", "vfs_read", "ksys_read"), "internal/runtime/syscall/linux.Syscall6", "main.rawRead"),
			tcpSendRecv},
		{"a write on an eventfd is a wake-up, not TCP",
			chain(inSyscall("eventfd_write", "vfs_write", "ksys_write"), "internal/runtime/syscall/linux.Syscall6", "main.(*Reactor).WakeDriver"),
			threadWakes},
		{"close of a socket, with its deferred release",
			chain(inSyscall("tcp_close", "sock_close", "__fput", "task_work_run", "__x64_sys_close"), "main.rawClose"),
			tcpClose},
		{"a page fault inside a read belongs to the read",
			chain(append([]string{"handle_mm_fault", "exc_page_fault", "asm_exc_page_fault", "_copy_to_iter"}, inSyscall("tcp_recvmsg", "ksys_read")...), "syscall.read"),
			tcpSendRecv},
		{"the entry of a call, where the kernel re-enables interrupts, goes by the Go caller",
			chain(inSyscall("pvm_irq_enable", "__raw_callee_save_pvm_irq_enable"), "internal/runtime/syscall/linux.Syscall6", "syscall.RawSyscall6.abi0", "golang.org/x/sys/unix.EpollCtl", "main.(*poller).add"),
			epollCtl},
		{"the Go side of the syscall instruction counts for the call",
			chain(nil, "internal/runtime/syscall/linux.Syscall6", "syscall.Syscall6", "golang.org/x/sys/unix.EpollWait", "main.(*poller).wait"),
			epollWait},
		{"sysmon's sleep",
			chain(nil, "runtime.usleep.abi0", "runtime.sysmon", "runtime.mstart1"),
			sysmonSleep},
		{"a futex wait of an idle thread",
			chain(inSyscall("futex_wait", "__x64_sys_futex"), "runtime.futex.abi0", "runtime.notesleep", "runtime.stopm"),
			threadWakes},
		{"a page fault in the program's code",
			chain([]string{"clear_page_erms", "handle_mm_fault", "exc_page_fault", "asm_exc_page_fault"}, "runtime.memclrNoHeapPointers", "runtime.mallocgc"),
			memory},
		{"network work in a soft interrupt on the way out of an interrupt",
			chain([]string{"tcp_v4_rcv", "ip_rcv", "net_rx_action", "handle_softirqs", "__irq_exit_rcu", "asm_sysvec_apic_timer_interrupt"}, "main.(*Executor).pollReady"),
			tcpSendRecv},
		{"a timer interrupt with no network work",
			chain([]string{"hrtimer_interrupt", "asm_sysvec_apic_timer_interrupt"}, "main.(*Executor).pollReady"),
			interrupts},
		{"a wake-up of this CPU by another",
			chain([]string{"sched_ttwu_pending", "asm_sysvec_reschedule_ipi"}, "runtime.findRunnable"),
			threadWakes},
		{"exec at start-up",
			chain(inSyscall("load_elf_binary", "__x64_sys_execve")),
			kernelRest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Classify(c.sample))
		})
	}
}

func TestClassifyProgramSamplesByWhatTheWorkIsFor(t *testing.T) {
	cases := []struct {
		name   string
		sample Sample
		want   Group
	}{
		{"the collector's mark worker",
			chain(nil, "runtime.scanObject", "runtime.gcDrain", "runtime.gcBgMarkWorker.func2"),
			goGC},
		{"an allocation that assists the collector is the collector's",
			chain(nil, "runtime.scanObject", "runtime.gcAssistAlloc", "runtime.mallocgc", "main.(*HTTPGetFuture).start"),
			goGC},
		{"the collector shrinking a goroutine's stack is the collector's, not the stacks'",
			chain(nil, "runtime.memmove", "runtime.copystack", "runtime.shrinkstack", "runtime.scanstack", "runtime.markroot", "runtime.gcDrain", "runtime.gcBgMarkWorker.func2"),
			goGC},
		{"an allocation, wherever it is called from",
			chain(nil, "runtime.memclrNoHeapPointers", "runtime.mallocgcSmallNoscan", "runtime.mallocgc", "main.Plan.Path"),
			goAlloc},
		{"a map growing in Spawn",
			chain(nil, "internal/runtime/maps.(*table).rehash", "internal/runtime/maps.(*table).split", "runtime.mapassign_fast64", "main.(*Executor).Spawn"),
			goAlloc},
		{"a map lookup counts for the code that made it",
			chain(nil, "internal/runtime/maps.ctrlGroup.matchH2", "runtime.mapaccess2_fast64", "main.(*Executor).pollReady"),
			mainCode},
		{"a new goroutine's stack",
			chain(nil, "runtime.stackpoolalloc", "runtime.stackalloc", "runtime.malg", "runtime.newproc1", "main.main"),
			goStacks},
		{"a goroutine's stack growing while it dials",
			chain(nil, "runtime.pcvalue", "runtime.copystack", "runtime.newstack", "runtime.morestack", "net.(*Dialer).DialContext", "main.get"),
			goStacks},
		{"parsing the answer's headers under stage 06's parseResponse",
			chain(nil, "memeqbody", "net/textproto.canonicalMIMEHeaderKey", "net/textproto.readMIMEHeader", "net/http.ReadResponse", "main.parseResponse"),
			httpParse},
		{"the scheduler looking for work",
			chain(nil, "runtime.runqgrab", "runtime.stealWork", "runtime.findRunnable", "runtime.schedule"),
			goScheduler},
		{"Go's net package dialing, not the baseline's main",
			chain(nil, "net.(*netFD).connect", "net.(*sysDialer).dialTCP", "net.(*Dialer).DialContext", "main.get"),
			goNet},
		{"the timer heap of stage 06",
			chain(nil, "main.timerHeap.Less", "container/heap.up", "main.(*timerQueue).add"),
			mainCode},
		{"the dynamic loader at start-up",
			Sample{{Sym: "_start", DSO: "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"}},
			goRest},
		{"no frames at all",
			nil,
			goRest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Classify(c.sample))
		})
	}
}

func TestEveryGroupIsInTheTableOnce(t *testing.T) {
	seen := map[string]bool{}
	kernelDone := false
	for _, g := range Groups {
		assert.False(t, seen[g.Name], "group %q listed twice", g.Name)
		seen[g.Name] = true
		if !g.Kernel {
			kernelDone = true
		}
		assert.False(t, kernelDone && g.Kernel, "kernel group %q after the program's groups", g.Name)
	}
	for call, g := range callGroups {
		assert.True(t, seen[g.Name], "system call %s goes to a group not in the table", call)
	}
}
