package lm

import (
	"math/rand/v2"
	"testing"
)

// The expected buckets below are worked out by hand from the v1 rule
// h = (h*31 + c) mod 65536, bucket = h mod 128 (a space is 32, 'a' 97).
func TestQueryBucketByHand(t *testing.T) {
	tests := []struct {
		g    string
		want int
	}{
		// 32 → 32·31+104 = 1096 → 1096·31+105 = 34081; 34081 − 266·128 = 33
		{" hi", 33},
		// 104 → 104·31+105 = 3329 → 3329·31+32 = 103231 ≡ 37695 (mod 65536);
		// 37695 − 294·128 = 63
		{"hi ", 63},
		// 122 → 3904 → 121146 ≡ 55610; 55610 − 434·128 = 58
		{"zzz", 58},
		// 32 → 1103 → 1103·31+107 = 34300; 34300 − 267·128 = 124
		{" ok", 124},
		// 111 → 3548 → 110020 ≡ 44484; 44484 − 347·128 = 68
		{"ok ", 68},
	}
	for _, tt := range tests {
		if got := QueryBucket(tt.g[0], tt.g[1], tt.g[2]); got != tt.want {
			t.Errorf("QueryBucket(%q) = %d, want %d", tt.g, got, tt.want)
		}
	}
}

func TestQueryCountsByHand(t *testing.T) {
	tests := []struct {
		q    string
		want map[int]int // non-zero buckets
	}{
		// " hi ": " hi" → 33, "hi " → 63 (above); upper case folds to lower
		{"HI", map[int]int{33: 1, 63: 1}},
		{"hi", map[int]int{33: 1, 63: 1}},
		{"OK", map[int]int{124: 1, 68: 1}},
		// " aaaa ": " aa" 32 → 1089 → 33856, −264·128 → 64;
		// "aaa" 97 → 3104 → 96321 ≡ 30785, −240·128 → 65 (twice);
		// "aa " 97 → 3104 → 96256 ≡ 30720 = 240·128 → 0
		{"AAAA", map[int]int{64: 1, 65: 2, 0: 1}},
		// "  " has no trigram at all
		{"", map[int]int{}},
	}
	for _, tt := range tests {
		got := QueryCounts(tt.q)
		var x Input
		EncodeQuery(tt.q, &x)
		for b := range got {
			if got[b] != tt.want[b] {
				t.Errorf("QueryCounts(%q)[%d] = %d, want %d", tt.q, b, got[b], tt.want[b])
			}
			if int(x[b]) != tt.want[b]*InputScale {
				t.Errorf("EncodeQuery(%q)[%d] = %d, want %d", tt.q, b, x[b], tt.want[b]*InputScale)
			}
		}
	}
}

// Only A–Z fold: '@' (just below 'A') and '[' (just above 'Z') stay.
func TestLowerOnlyFoldsLetters(t *testing.T) {
	for c, want := range map[byte]byte{'A': 'a', 'Z': 'z', '@': '@', '[': '[', 'a': 'a', '1': '1', 0x80: 0x80} {
		if got := lower(c); got != want {
			t.Errorf("lower(%q) = %q, want %q", c, got, want)
		}
	}
}

func TestContextBucketByHand(t *testing.T) {
	tests := []struct {
		i    int
		g    string
		want int
	}{
		{0, " ", 32},  // h = 0 → 32
		{1, " ", 121}, // h = 7 → 7·31+32 = 249 − 128 = 121
		{7, "a", 80},  // h = 49 → 49·31+97 = 1616 − 12·128 = 80
		{7, "b", 81},  // 1617 → 81
		// h = 35 → 35·31+122 = 1207 → 37539 → 1163831 ≡ 49719
		// (−17·65536); 49719 − 388·128 = 55
		{5, "zzz", 55},
		// h = 42 → 42·31+32 = 1334 → 1334·31+97 = 41451 − 323·128 = 107
		{6, " a", 107},
	}
	for _, tt := range tests {
		if got := ContextBucket(tt.i, []byte(tt.g)); got != tt.want {
			t.Errorf("ContextBucket(%d, %q) = %d, want %d", tt.i, tt.g, got, tt.want)
		}
	}
}

// The empty context is eight spaces. By hand, with s = 32:
// 1-grams at i: 217i+32 mod 128 → 32 121 82 43 4 93 54 15;
// 2-grams: (217i+32)·31+32 = 6727i+1024 ≡ 71i (mod 128) → 0 71 14 85 28 99 42;
// 3-grams: (6727i+1024)·31+32 = 208537i+31776 ≡ 25i+32 → 32 57 82 107 4 29.
// Buckets 32, 82 and 4 are hit twice: 21 n-grams in 18 buckets.
func TestEmptyContextByHand(t *testing.T) {
	want := map[int]int{}
	for _, b := range []int{32, 121, 82, 43, 4, 93, 54, 15, 0, 71, 14, 85, 28, 99, 42, 32, 57, 82, 107, 4, 29} {
		want[b]++
	}
	got := ContextCounts(ContextWindow(nil))
	var x Input
	EncodeContext(nil, &x)
	for b := range got {
		if got[b] != want[b] {
			t.Errorf("bucket %d: %d, want %d", b, got[b], want[b])
		}
		if int(x[QueryBuckets+b]) != want[b]*InputScale {
			t.Errorf("x[%d] = %d, want %d", QueryBuckets+b, x[QueryBuckets+b], want[b]*InputScale)
		}
	}
	var e ContextEncoder
	e.Reset()
	if e.Counts() != got {
		t.Errorf("ContextEncoder.Reset counts differ from the direct encoder")
	}
}

func TestContextWindow(t *testing.T) {
	tests := []struct{ reply, want string }{
		{"", "        "},
		{"HI", "      hi"},
		{"HELLO WORLD", "lo world"},
		{"12345678", "12345678"},
		{"A!?", "     a!?"},
	}
	for _, tt := range tests {
		if got := ContextWindow([]byte(tt.reply)); string(got[:]) != tt.want {
			t.Errorf("ContextWindow(%q) = %q, want %q", tt.reply, got, tt.want)
		}
	}
}

// The incremental encoder must equal the direct one after every push.
func TestContextEncoderIncremental(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(" ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?'.,abc")
	for trial := 0; trial < 200; trial++ {
		var e ContextEncoder
		e.Reset()
		var reply []byte
		for n := rng.IntN(60); n > 0; n-- {
			c := alphabet[rng.IntN(len(alphabet))]
			reply = append(reply, c)
			e.Push(c)
			w := ContextWindow(reply)
			if e.Counts() != ContextCounts(w) {
				t.Fatalf("reply %q: incremental counts differ from direct", reply)
			}
			var xd, xi Input
			EncodeContext(reply, &xd)
			e.Encode(&xi)
			if xd != xi {
				t.Fatalf("reply %q: Encode differs from EncodeContext", reply)
			}
			// Buckets lists every n-gram's bucket, in order
			var bc [ContextBuckets]int
			k := 0
			for g := 1; g <= 3; g++ {
				for i := 0; i+g <= ContextLen; i++ {
					if b := ContextBucket(i, w[i:i+g]); int(e.Buckets()[k]) != b {
						t.Fatalf("reply %q: Buckets()[%d] = %d, want %d", reply, k, e.Buckets()[k], b)
					}
					bc[e.Buckets()[k]]++
					k++
				}
			}
			if bc != e.Counts() {
				t.Fatalf("reply %q: Buckets do not add up to Counts", reply)
			}
		}
	}
}

func TestBuildCharset(t *testing.T) {
	tests := []struct {
		replies []string
		want    string
	}{
		// from the original's tests: only replies count
		{[]string{"OK", "NO"}, "KNO\x00"},
		// space first, letters, digits, then the rest in byte order
		{[]string{"WHY? 42!", "A/B"}, " ABHWY24!/?\x00"},
		{[]string{"9 Z", "~ 0"}, " Z09~\x00"},
		{nil, "\x00"},
	}
	for _, tt := range tests {
		if got := string(BuildCharset(tt.replies)); got != tt.want {
			t.Errorf("BuildCharset(%q) = %q, want %q", tt.replies, got, tt.want)
		}
	}
}

func TestCheckReply(t *testing.T) {
	cs := []byte(" AB\x00")
	if err := CheckReply(cs, "A BA"); err != nil {
		t.Errorf("in-charset reply: %v", err)
	}
	for reply, want := range map[string]string{
		"ABC":    `"ABC": character 'C' at position 3 is not in the model's charset`,
		"A\x00":  `"A\x00": character 0x00 at position 2 is not in the model's charset`,
		"a":      `"a": character 'a' at position 1 is not in the model's charset`,
		"AB\xff": `"AB\xff": character 0xFF at position 3 is not in the model's charset`,
	} {
		err := CheckReply(cs, reply)
		if err == nil || err.Error() != want {
			t.Errorf("CheckReply(%q) = %v, want %s", reply, err, want)
		}
	}
}
