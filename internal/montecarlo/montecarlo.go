// Package montecarlo runs an uncertainty analysis ([egdi.Model]) on every
// core: replications are handed out in fixed-size chunks to one worker per
// core, each an [egdi.Worker] on its own fast kernel (package kernel:
// preallocated buffers) with its own tally, and the tallies are merged at
// the end.
//
// Replication i draws from its own generator, rand.NewPCG(seed, i), and a
// tally holds integer counts, so the result is identical — byte for byte
// once encoded — whatever the number of workers or GOMAXPROCS. A
// cancelled context stops the workers between chunks; Run then returns an
// ECANCELED error and no result, so nothing partial is ever presented as
// final.
package montecarlo

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/egdi-project/egdi"
	"github.com/egdi-project/egdi/internal/montecarlo/kernel"
)

// Options configure a run.
type Options struct {
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Chunk is the number of replications a worker takes at a time; 0
	// means 1024. It bounds how long cancellation takes to be noticed.
	Chunk int
	// Progress, when not nil, is called from the calling goroutine as
	// work completes, with the replications (and sensitivity rows) done
	// and the total; never concurrently.
	Progress func(done, total int64)
	// Samples, when not nil, receives every replication as a CSV row.
	Samples *Samples
}

// Run runs the model's replications (and, with sensitivity, its Saltelli
// rows) and returns the summary.
func Run(ctx context.Context, md *egdi.Model, o Options) (*egdi.UncertaintyResult, error) {
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk := int64(o.Chunk)
	if chunk <= 0 {
		chunk = 1024
	}
	nrep := int64(md.Options.Replications)
	nsens := int64(md.SensitivityRows())
	total := nrep + nsens
	var sw *sampleWriter
	if o.Samples != nil {
		var err error
		if sw, err = o.Samples.start(md, workers, chunk); err != nil {
			return nil, err
		}
		chunk = sw.chunk
	}
	var next atomic.Int64 // the next unit of work: replications first, then sensitivity rows
	var stop atomic.Bool
	done := make(chan int64, 4*workers)
	kernels := make([]*egdi.Worker, workers)
	km := kernel.New(md)
	var wg sync.WaitGroup
	for w := range workers {
		k := md.NewWorker(km.NewKernel())
		kernels[w] = k
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				var buf *[]byte
				if sw != nil {
					buf = <-sw.free // a buffer first, so that chunks cannot run far ahead of the writer
				}
				from := next.Add(chunk) - chunk
				if from >= total {
					if sw != nil {
						sw.free <- buf
					}
					return
				}
				to := min(from+chunk, total)
				for i := from; i < to; i++ {
					if i < nrep {
						k.Replicate(uint64(i))
						if sw != nil {
							*buf = sw.row(*buf, uint64(i), k)
						}
					} else {
						k.SensitivityRow(uint64(i - nrep))
					}
				}
				if sw != nil {
					sw.chunks <- sampleChunk{from, buf}
				}
				done <- to - from
			}
		}()
	}
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		if sw != nil {
			close(sw.chunks)
			<-sw.done
		}
		close(finished)
	}()
	var count int64
	var canceled bool
	ctxDone := ctx.Done()
loop:
	for {
		select {
		case c := <-done:
			count += c
			if o.Progress != nil {
				o.Progress(count, total)
			}
		case <-ctxDone:
			canceled = true
			stop.Store(true)
			ctxDone = nil // stop listening; wait for the workers to finish their chunk
		case <-finished:
			for {
				select {
				case c := <-done:
					count += c
				default:
					break loop
				}
			}
		}
	}
	if sw != nil && sw.err != nil {
		return nil, egdi.Errorf(egdi.EINTERNAL, "Writing the samples: %v.", sw.err)
	}
	if canceled || ctx.Err() != nil {
		return nil, egdi.Errorf(egdi.ECANCELED, "Interrupted after %d of %d replications: no result.", count, total)
	}
	if o.Progress != nil {
		o.Progress(count, total)
	}
	w := kernels[0]
	for _, k := range kernels[1:] {
		w.Merge(k)
	}
	return md.Result(w), nil
}
