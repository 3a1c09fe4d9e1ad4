package sqlite

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"

	"github.com/egdi-project/egdi"
)

// The snapshot encodes the imported rows in one blob, so that opening a
// store with tens of thousands of imported observations (every WDI file)
// still takes milliseconds. It is kept because it pays: 50,000 imported
// observations on the 2-core test machine under load (load average 11–16),
// 20 iterations, three runs each: BenchmarkDecodeSnapshot 12.8, 5.9,
// 8.7 ms/op; BenchmarkReadImportedRows (the same rows read as rows, as
// Dataset would without the snapshot) 510, 414, 407 ms/op — some fifty
// times as long, on every command that reads the dataset.
//
// Layout (varints are encoding/binary unsigned varints):
//
//	"EGDS1"
//	n, then n strings (length, bytes): every text value, referred to by index
//	n, then n records: edition, iso3, name, assessed (1 byte), rank, egdi, osi, tii, hci, epi (float64 bits, 8 bytes each)
//	n, then n observations: iso3, indicator (1 byte), year, source, vintage, value (8 bytes), estimate (1 byte)
const snapshotMagic = "EGDS1"

var errSnapshot = errors.New("sqlite: damaged snapshot")

func encodeSnapshot(recs []egdi.Record, obs []egdi.Observation) []byte {
	idx := map[string]uint64{}
	var strs []string
	str := func(s string) uint64 {
		i, ok := idx[s]
		if !ok {
			i = uint64(len(strs))
			idx[s] = i
			strs = append(strs, s)
		}
		return i
	}
	var body []byte
	u := func(v uint64) { body = binary.AppendUvarint(body, v) }
	f := func(v float64) { body = binary.LittleEndian.AppendUint64(body, math.Float64bits(v)) }
	b := func(v bool) {
		if v {
			body = append(body, 1)
		} else {
			body = append(body, 0)
		}
	}
	u(uint64(len(recs)))
	for _, r := range recs {
		u(uint64(r.Edition))
		u(str(string(r.ISO3)))
		u(str(r.Name))
		b(r.Assessed)
		u(uint64(r.Rank))
		for _, v := range []float64{r.EGDI, r.OSI, r.TII, r.HCI, r.EPI} {
			f(v)
		}
	}
	u(uint64(len(obs)))
	for _, o := range obs {
		u(str(string(o.ISO3)))
		body = append(body, byte(o.Indicator))
		u(uint64(o.Year))
		u(str(o.Source))
		u(str(o.Vintage))
		f(o.Value)
		b(o.Estimate)
	}
	out := []byte(snapshotMagic)
	out = binary.AppendUvarint(out, uint64(len(strs)))
	for _, s := range strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, body...)
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errSnapshot
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.err = errSnapshot
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) float() float64 {
	if d.err != nil || len(d.b) < 8 {
		d.err = errSnapshot
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

// count reads a length and checks that at least min bytes per element remain.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)/min) {
		d.err = errSnapshot
		return 0
	}
	return int(n)
}

func decodeSnapshot(data []byte) ([]egdi.Record, []egdi.Observation, error) {
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) {
		return nil, nil, errSnapshot
	}
	d := &decoder{b: data[len(snapshotMagic):]}
	strs := make([]string, d.count(1))
	for i := range strs {
		n := d.count(1)
		if d.err != nil || n > len(d.b) {
			return nil, nil, errSnapshot
		}
		strs[i] = string(d.b[:n])
		d.b = d.b[n:]
	}
	str := func() string {
		i := d.uvarint()
		if i >= uint64(len(strs)) {
			d.err = errSnapshot
			return ""
		}
		return strs[i]
	}
	recs := make([]egdi.Record, d.count(45))
	for i := range recs {
		r := &recs[i]
		r.Edition = int(d.uvarint())
		r.ISO3 = egdi.ISO3(str())
		r.Name = str()
		r.Assessed = d.byte() == 1
		r.Rank = int(d.uvarint())
		r.EGDI, r.OSI, r.TII, r.HCI, r.EPI = d.float(), d.float(), d.float(), d.float(), d.float()
	}
	obs := make([]egdi.Observation, d.count(14))
	for i := range obs {
		o := &obs[i]
		o.ISO3 = egdi.ISO3(str())
		o.Indicator = egdi.Indicator(d.byte())
		o.Year = int(d.uvarint())
		o.Source = str()
		o.Vintage = str()
		o.Value = d.float()
		o.Estimate = d.byte() == 1
		if o.Indicator >= egdi.NumIndicators {
			d.err = errSnapshot
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, nil, errSnapshot
	}
	return recs, obs, nil
}
