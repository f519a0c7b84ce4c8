package lm

// Input is the first layer's input vector: 128 query buckets then 128
// context buckets, each holding count × InputScale.
type Input [InputSize]int16

// lower folds A–Z to a–z and leaves every other byte alone, as the v1
// encoders do.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// QueryBucket is the bucket (0..127) of one query trigram.
func QueryBucket(c1, c2, c3 byte) int {
	h := uint16(0)
	h = h*31 + uint16(c1)
	h = h*31 + uint16(c2)
	h = h*31 + uint16(c3)
	return int(h % QueryBuckets)
}

// QueryCounts counts the trigrams of " "+lower(q)+" " per bucket.
func QueryCounts(q string) (counts [QueryBuckets]int) {
	p := make([]byte, 0, len(q)+2)
	p = append(p, ' ')
	for i := 0; i < len(q); i++ {
		p = append(p, lower(q[i]))
	}
	p = append(p, ' ')
	for i := 0; i+3 <= len(p); i++ {
		counts[QueryBucket(p[i], p[i+1], p[i+2])]++
	}
	return counts
}

// EncodeQuery writes the query half (x[0:128]) of the input vector.
func EncodeQuery(q string, x *Input) {
	counts := QueryCounts(q)
	for i, n := range counts {
		x[i] = int16(n * InputScale)
	}
}

// ContextBucket is the bucket (0..127, relative to the context half) of the
// n-gram g starting at position i of the 8-character window.
func ContextBucket(i int, g []byte) int {
	h := uint16(7 * i)
	for _, c := range g {
		h = h*31 + uint16(c)
	}
	return int(h % ContextBuckets)
}

// ContextWindow returns the last ContextLen characters of reply, lower-cased
// and left-padded with spaces.
func ContextWindow(reply []byte) (w [ContextLen]byte) {
	for i := range w {
		w[i] = ' '
	}
	if len(reply) > ContextLen {
		reply = reply[len(reply)-ContextLen:]
	}
	off := ContextLen - len(reply)
	for i, c := range reply {
		w[off+i] = lower(c)
	}
	return w
}

// ContextCounts counts the 1-, 2- and 3-grams of the window per bucket.
func ContextCounts(w [ContextLen]byte) (counts [ContextBuckets]int) {
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= ContextLen; i++ {
			counts[ContextBucket(i, w[i:i+n])]++
		}
	}
	return counts
}

// EncodeContext writes the context half (x[128:256]) of the input vector
// for the reply generated so far.
func EncodeContext(reply []byte, x *Input) {
	counts := ContextCounts(ContextWindow(reply))
	for i, n := range counts {
		x[QueryBuckets+i] = int16(n * InputScale)
	}
}

// ContextEncoder keeps the context buckets of a growing reply. Push shifts
// one character into the window; because every n-gram's hash depends on its
// position, all 21 n-grams change, but the encoder only touches the buckets
// they name (21 decrements and 21 increments) instead of clearing 128.
type ContextEncoder struct {
	w      [ContextLen]byte
	counts [ContextBuckets]int
	// buckets of the current window's n-grams, in a fixed order
	cur [ContextGrams]uint8
}

// ContextGrams is the number of n-grams (n = 1, 2, 3) in the 8-character window.
const ContextGrams = ContextLen + (ContextLen - 1) + (ContextLen - 2)

// Reset starts an empty reply (a window of eight spaces).
func (e *ContextEncoder) Reset() {
	*e = ContextEncoder{}
	for i := range e.w {
		e.w[i] = ' '
	}
	e.recount()
}

func (e *ContextEncoder) recount() {
	k := 0
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= ContextLen; i++ {
			b := ContextBucket(i, e.w[i:i+n])
			e.cur[k] = uint8(b)
			e.counts[b]++
			k++
		}
	}
}

// Push appends one reply character to the window.
func (e *ContextEncoder) Push(c byte) {
	for _, b := range e.cur {
		e.counts[b]--
	}
	copy(e.w[:], e.w[1:])
	e.w[ContextLen-1] = lower(c)
	e.recount()
}

// Counts returns the current bucket counts.
func (e *ContextEncoder) Counts() [ContextBuckets]int { return e.counts }

// Buckets returns the bucket of each of the window's 21 n-grams (with
// repeats), 1-grams first, then 2-grams, then 3-grams, each by position.
func (e *ContextEncoder) Buckets() [ContextGrams]uint8 { return e.cur }

// Encode writes the context half of x.
func (e *ContextEncoder) Encode(x *Input) {
	for i, n := range e.counts {
		x[QueryBuckets+i] = int16(n * InputScale)
	}
}
