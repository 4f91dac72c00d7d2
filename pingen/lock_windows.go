//go:build windows

package pingen

import (
	"os"

	"golang.org/x/sys/windows"
)

// The lock covers one byte far beyond the end of the file: Windows locks are
// mandatory, and a lock on the data would stop other processes reading it.
const lockOffset = 0x7fffffff

func lockFile(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockOffset}
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ol)
}

func unlockFile(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockOffset}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}
