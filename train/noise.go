package train

import "strings"

// Typo augmentation. Held-out queries differ from the training ones mostly
// by typing mistakes and small changes of word order, which change a few
// of the query's trigrams, so the trainer shows the net such mistakes on
// the fly: at each step a training example's query gets, with probability
// Config.Typos, one mistake (a quarter of the time two), chosen by a hash
// of (seed, step, example) so that it does not depend on scheduling.

// keyRows is the QWERTY layout; neighbours of a key are the keys next to
// it in its row and the two nearest in the rows above and below.
var keyRows = [3]string{"QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"}

var keyNeighbours = func() (nb [26]string) {
	for r, row := range keyRows {
		for c := range row {
			var s []byte
			if c > 0 {
				s = append(s, row[c-1])
			}
			if c+1 < len(row) {
				s = append(s, row[c+1])
			}
			// each row is shifted half a key right of the one above, so
			// key c touches keys c-1, c of the row above and c, c+1 below
			if r > 0 {
				up := keyRows[r-1]
				s = append(s, up[c])
				if c+1 < len(up) {
					s = append(s, up[c+1])
				}
			}
			if r+1 < len(keyRows) {
				down := keyRows[r+1]
				if c > 0 && c-1 < len(down) {
					s = append(s, down[c-1])
				}
				if c < len(down) {
					s = append(s, down[c])
				}
			}
			nb[row[c]-'A'] = string(s)
		}
	}
	return nb
}()

// stream is a SplitMix64 random stream.
type stream uint64

func (s *stream) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	return splitmix(uint64(*s) - 0x9e3779b97f4a7c15)
}

// intn returns a number in [0, n).
func (s *stream) intn(n int) int { return int(s.next() % uint64(n)) }

// typo returns q (upper case) with one or two typing mistakes drawn from
// r: a neighbouring key hit instead of a letter, a letter left out or
// doubled, two adjacent letters swapped, two adjacent words swapped, or a
// word left out (of three or more).
// A query with fewer than two letters comes back unchanged.
func typo(q string, r *stream) string {
	n := 1
	if r.intn(4) == 0 {
		n = 2
	}
	b := []byte(q)
	for range n {
		b = oneTypo(b, r)
	}
	return string(b)
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

func oneTypo(b []byte, r *stream) []byte {
	var letters []int
	for i, c := range b {
		if isLetter(c) {
			letters = append(letters, i)
		}
	}
	if len(letters) < 2 {
		return b
	}
	i := letters[r.intn(len(letters))]
	switch r.intn(6) {
	case 0: // neighbouring key
		nb := keyNeighbours[b[i]-'A']
		b[i] = nb[r.intn(len(nb))]
	case 1: // left out
		b = append(b[:i], b[i+1:]...)
	case 2: // doubled
		b = append(b[:i+1], b[i:]...)
	case 3: // swapped with the next letter
		if i+1 < len(b) && isLetter(b[i+1]) {
			b[i], b[i+1] = b[i+1], b[i]
		} else if j := i - 1; j >= 0 && isLetter(b[j]) {
			b[i], b[j] = b[j], b[i]
		}
	case 4: // two adjacent words swapped
		w := strings.Fields(string(b))
		if len(w) >= 2 {
			k := r.intn(len(w) - 1)
			w[k], w[k+1] = w[k+1], w[k]
			b = []byte(strings.Join(w, " "))
		}
	case 5: // a word left out
		w := strings.Fields(string(b))
		if len(w) >= 3 {
			k := r.intn(len(w))
			b = []byte(strings.Join(append(w[:k], w[k+1:]...), " "))
		}
	}
	return b
}
