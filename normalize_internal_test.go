package egdi

import (
	"math"
	"testing"
)

// TestCapSum checks the four-chain sums against plain sums (equal to
// within rounding: 1e-12 relative), the cap, and where a NaN stops them.
func TestCapSum(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name    string
		x       []float64
		cap     float64
		sum     float64
		nan     int
		wantDst []float64
	}{
		{"empty", nil, 0, 0, -1, nil},
		{"tail only", []float64{1, 2, 3}, 0, 6, -1, []float64{1, 2, 3}},
		{"four and a tail", []float64{1, 2, 3, 4, 5}, 0, 15, -1, []float64{1, 2, 3, 4, 5}},
		{"capped", []float64{50, 130, 120, 121, 99, 200}, 120, 629, -1, []float64{50, 120, 120, 120, 99, 120}},
		{"NaN in a block", []float64{1, 2, nan, 4, 5}, 0, 0, 2, nil},
		{"NaN in the tail", []float64{1, 2, 3, 4, nan}, 0, 0, 4, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := make([]float64, len(tc.x))
			sum, at := CapSum(dst, tc.x, tc.cap)
			if at != tc.nan {
				t.Fatalf("NaN at %d, want %d", at, tc.nan)
			}
			if at >= 0 {
				return
			}
			if math.Abs(sum-tc.sum) > 1e-12*math.Abs(tc.sum) {
				t.Errorf("sum %v, want %v (±1e-12 relative)", sum, tc.sum)
			}
			for i := range tc.wantDst {
				if dst[i] != tc.wantDst[i] {
					t.Errorf("dst[%d] = %v, want %v", i, dst[i], tc.wantDst[i])
				}
			}
			mean := sum / float64(max(len(tc.x), 1))
			var ss float64
			for _, v := range dst {
				ss += (v - mean) * (v - mean)
			}
			if got := SqDev(dst, mean); math.Abs(got-ss) > 1e-12*max(ss, 1) {
				t.Errorf("SqDev %v, want %v (±1e-12 relative)", got, ss)
			}
		})
	}
}
