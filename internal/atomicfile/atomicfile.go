// Package atomicfile writes a file so that no reader, and no crash, ever sees
// half of it: the data goes to a temporary file in the same directory, which
// is synced, renamed over the target, and the directory synced in turn so the
// rename itself is durable. On failure nothing is left behind and an existing
// target is untouched.
package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFile writes data to name atomically with permissions perm.
func WriteFile(name string, data []byte, perm fs.FileMode) error {
	return Write(name, perm, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	})
}

// Write calls write with a temporary file in name's directory and, if write
// succeeds, makes that file name, with permissions perm (not subject to the
// umask: CreateTemp's 0600 is replaced). An error from write is returned as
// is; OS errors are returned as *fs.PathError values naming the file.
func Write(name string, perm fs.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()           // already failing: the first error is the one to report
			_ = os.Remove(f.Name()) // best effort: the temporary file is hidden and named for the target
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Some file systems cannot sync a
// directory (EINVAL); the rename has happened, so that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) {
		return nil
	}
	return err
}
