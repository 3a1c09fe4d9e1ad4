package tabular

import (
	"context"
	"encoding/binary"
	"os"
	"testing"
)

// biffRecord encodes one BIFF8 record: type, length, data.
func biffRecord(typ uint16, data []byte) []byte {
	b := make([]byte, 4, 4+len(data))
	binary.LittleEndian.PutUint16(b, typ)
	binary.LittleEndian.PutUint16(b[2:], uint16(len(data)))
	return append(b, data...)
}

// TestXLSFormulas: the BIFF walk finds a FORMULA record's cell in the
// sheet whose BOF it follows (sheet names in compressed and UTF-16 form),
// and refuses a record that runs past the end of the stream.
func TestXLSFormulas(t *testing.T) {
	// Globals: two BOUNDSHEET records; their offsets are filled in below.
	sheet := func(off uint32, name string, wide bool) []byte {
		d := make([]byte, 8)
		binary.LittleEndian.PutUint32(d, off)
		d[6] = byte(len([]rune(name)))
		if wide {
			d[7] = 1
			for _, r := range name {
				d = binary.LittleEndian.AppendUint16(d, uint16(r))
			}
		} else {
			d = append(d, name...)
		}
		return biffRecord(biffBoundSheet, d)
	}
	formula := func(row, col uint16) []byte {
		d := make([]byte, 20)
		binary.LittleEndian.PutUint16(d, row)
		binary.LittleEndian.PutUint16(d[2:], col)
		return biffRecord(biffFormula, d)
	}
	bof := biffRecord(biffBOF, make([]byte, 16))
	eof := biffRecord(0x000A, nil)
	globalsLen := len(bof) + len(sheet(0, "Data", false)) + len(sheet(0, "بيانات", true)) + len(eof)
	s1 := uint32(globalsLen)
	s1Body := append(append(append([]byte{}, bof...), formula(4, 2)...), eof...)
	s2 := s1 + uint32(len(s1Body))
	stream := append(append(append(append([]byte{}, bof...), sheet(s1, "Data", false)...), sheet(s2, "بيانات", true)...), eof...)
	stream = append(stream, s1Body...)
	stream = append(append(append(stream, bof...), formula(0, 0)...), eof...)

	got, err := xlsFormulas(stream)
	if err != nil {
		t.Fatal(err)
	}
	if len(got["Data"]) != 1 || !got["Data"][cellRef{5, 2}] {
		t.Errorf("sheet Data: formulas %v, want row 5 column C", got["Data"])
	}
	if len(got["بيانات"]) != 1 || !got["بيانات"][cellRef{1, 0}] {
		t.Errorf("Arabic-named sheet: formulas %v, want row 1 column A", got["بيانات"])
	}
	if _, err := xlsFormulas(append(stream, 0x06, 0x00, 0xFF, 0x00, 1, 2)); err == nil {
		t.Error("a record running past the end of the stream was accepted")
	}
}

// TestXLSRealFiles: the World Bank's XLS files have no formulas, and the
// BIFF walk and the cell reader agree on their sheet names.
func TestXLSRealFiles(t *testing.T) {
	path := dataFile(t, "components/wdi/WDI_IT.CEL.SETS.P2_2021-09-15.xls")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := xlsStream(raw)
	if err != nil {
		t.Fatal(err)
	}
	f, err := xlsFormulas(stream)
	if err != nil {
		t.Fatal(err)
	}
	if len(f) != 0 {
		t.Errorf("formulas %v, want none", f)
	}
	grids, err := readXLS(context.Background(), path, raw)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Data", "Metadata - Countries", "Metadata - Indicators"}
	if len(grids) != len(want) {
		t.Fatalf("%d sheets, want %q", len(grids), want)
	}
	for i, g := range grids {
		if g.sheet != want[i] {
			t.Errorf("sheet %d is %q, want %q", i, g.sheet, want[i])
		}
	}
}
