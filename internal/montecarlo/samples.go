package montecarlo

import (
	"io"
	"strconv"

	"github.com/egdi-project/egdi"
)

// Samples writes each replication as one CSV row, in replication order:
//
//	replication,w_osi,w_tii,w_hci,normalisation,cap,aggregation,noise_seed,ISO3_egdi,ISO3_rank,…
//
// the drawn factors (the EGDI weights; z-minmax, minmax or rank; the TII
// cap, 0 for none or at component level; arithmetic or geometric; the
// seed of the noise field, 0 without noise — [egdi.NewNoiseStream] of it
// redraws the field), then for each chosen country its unrounded EGDI and
// its rank. Rows are produced by the workers a chunk at a time and
// written in order by one goroutine; a worker takes a free buffer before
// it takes a chunk, and there are 2·workers + 2 buffers of at most about
// 1 MB, so memory stays bounded whatever the number of replications.
type Samples struct {
	W io.Writer
	// Countries are the countries whose EGDI and rank are written; nil
	// means every country.
	Countries []egdi.ISO3
}

type sampleChunk struct {
	from int64
	buf  *[]byte
}

type sampleWriter struct {
	places []int // places of the chosen countries
	chunk  int64
	free   chan *[]byte
	chunks chan sampleChunk
	done   chan struct{}
	err    error // the first write error; read after done is closed
}

// start writes the header and starts the writing goroutine.
// chunk is the run's chunk size, which the rows per chunk may lower.
func (s *Samples) start(md *egdi.Model, workers int, chunk int64) (*sampleWriter, error) {
	b := md.Base
	sw := &sampleWriter{}
	if s.Countries == nil {
		for p := range md.Order {
			sw.places = append(sw.places, p)
		}
	}
	for _, c := range s.Countries {
		i := b.Index(c)
		if i < 0 {
			return nil, egdi.Errorf(egdi.ENOTFOUND, "%s was not assessed in edition %d (--samples-countries).", c, b.Edition)
		}
		for p, j := range md.Order {
			if int(j) == i {
				sw.places = append(sw.places, p)
			}
		}
	}
	head := []byte("replication,w_osi,w_tii,w_hci,normalisation,cap,aggregation,noise_seed")
	for _, p := range sw.places {
		iso := string(b.Inputs.Countries[md.Order[p]])
		head = append(head, ","+iso+"_egdi,"+iso+"_rank"...)
	}
	head = append(head, '\n')
	if _, err := s.W.Write(head); err != nil {
		return nil, egdi.Errorf(egdi.EINTERNAL, "Writing the samples: %v.", err)
	}
	// About 1 MB of rows per chunk: a row is about 90 bytes and 26 per
	// country.
	sw.chunk = min(chunk, max(16, int64(1<<20/(90+26*len(sw.places)))))
	nbuf := 2*workers + 2
	sw.free = make(chan *[]byte, nbuf)
	for range nbuf {
		b := make([]byte, 0, 1<<20)
		sw.free <- &b
	}
	sw.chunks = make(chan sampleChunk, nbuf)
	sw.done = make(chan struct{})
	go func() {
		defer close(sw.done)
		pending := map[int64]*[]byte{}
		var next int64
		for c := range sw.chunks {
			pending[c.from] = c.buf
			for {
				buf, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				if sw.err == nil && len(*buf) > 0 {
					_, sw.err = s.W.Write(*buf)
				}
				*buf = (*buf)[:0]
				sw.free <- buf
				next += sw.chunk
			}
		}
	}()
	return sw, nil
}

// row appends replication i's row.
func (sw *sampleWriter) row(b []byte, i uint64, w *egdi.Worker) []byte {
	d, scores, rank := w.Last()
	b = strconv.AppendUint(b, i, 10)
	for _, x := range d.W {
		b = append(b, ',')
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	b = append(b, ',')
	b = append(b, d.Norm.String()...)
	b = append(b, ',')
	b = strconv.AppendFloat(b, d.Cap, 'g', -1, 64)
	if d.Geometric {
		b = append(b, ",geometric,"...)
	} else {
		b = append(b, ",arithmetic,"...)
	}
	b = strconv.AppendUint(b, d.NoiseSeed, 10)
	for _, p := range sw.places {
		b = append(b, ',')
		b = strconv.AppendFloat(b, scores[p], 'g', -1, 64)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(rank[p]), 10)
	}
	return append(b, '\n')
}
