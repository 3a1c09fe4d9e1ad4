package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name    string
		old     string // content before, "" for no file
		write   func(io.Writer) error
		wantErr error
		want    string // content after
	}{
		{"New", "", func(w io.Writer) error { _, err := io.WriteString(w, "hello"); return err }, nil, "hello"},
		{"Replace", "old", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new"},
		{"ErrKeepsOld", "old", func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return boom }, boom, "old"},
		{"ErrLeavesNothing", "", func(w io.Writer) error { return boom }, boom, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "f.csv")
			if tc.old != "" {
				if err := os.WriteFile(name, []byte(tc.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(name, 0o644, tc.write)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			got, rerr := os.ReadFile(name)
			if tc.want == "" {
				if !errors.Is(rerr, os.ErrNotExist) {
					t.Errorf("file exists after a failed write: %q, %v", got, rerr)
				}
			} else if string(got) != tc.want {
				t.Errorf("content %q, want %q", got, tc.want)
			}
			entries, _ := os.ReadDir(dir)
			if want := map[bool]int{true: 0, false: 1}[tc.want == ""]; len(entries) != want {
				t.Errorf("%d entries in the directory, want %d (a temporary file left behind?)", len(entries), want)
			}
			if err == nil {
				if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o644 {
					t.Errorf("mode %v, %v; want 0644", fi.Mode(), err)
				}
			}
		})
	}
}

func TestWriteFileMissingDirectory(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "no", "f"), []byte("x"), 0o644)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v, want one that is os.ErrNotExist", err)
	}
}
