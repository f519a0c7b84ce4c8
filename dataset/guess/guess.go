// Package guess holds z80lm's 20 Questions knowledge base (objects and
// their YES / NO / MAYBE answers to every attribute question) and makes
// training and held-out sets for a model that keeps one object secret.
package guess

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"z80lm/dataset/augment"
)

// The replies of the game.
const (
	Yes   = "YES"
	No    = "NO"
	Maybe = "MAYBE"
	Win   = "WIN" // the player named the secret object
	IDK   = "IDK" // not a question about the object
)

// An Attribute is one property players ask about.
type Attribute struct {
	Key       string
	Templates []string // question templates: frames (see frames), then augment.Expand
}

// An Object is a possible secret.
type Object struct {
	Name     string
	Article  string   // "A", "AN", "THE" or "" (uncountable), used in "IS IT A CAT"
	Synonyms []string // other names that also win
	Yes      string   // attribute keys answered YES, space separated
	Maybe    string   // attribute keys answered MAYBE; all others are NO
}

// Answer returns the object's answer about attribute key.
func (o *Object) Answer(key string) string {
	for _, k := range strings.Fields(o.Yes) {
		if k == key {
			return Yes
		}
	}
	for _, k := range strings.Fields(o.Maybe) {
		if k == key {
			return Maybe
		}
	}
	return No
}

// Find returns the object called name (or one of its synonyms), in any case.
func Find(name string) (*Object, error) {
	n := strings.Join(strings.Fields(strings.ToUpper(name)), " ")
	for i := range Objects {
		o := &Objects[i]
		if o.Name == n {
			return o, nil
		}
		for _, s := range o.Synonyms {
			if s == n {
				return o, nil
			}
		}
	}
	return nil, fmt.Errorf("no object %q in the knowledge base (z80lm data guess --list shows them)", name)
}

// Questions returns every question that asks about attribute a.
func Questions(a Attribute) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range a.Templates {
		for f, alt := range frames {
			t = strings.ReplaceAll(t, f, alt)
		}
		for _, q := range augment.MustExpand(t) {
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

// nameTemplates are the ways of naming a guess; %s is the name.
var nameTemplates = []string{
	"%s", "IS IT %s", "IS THIS %s", "ARE YOU %s", "IT IS %s", "I THINK IT IS %s",
	"MY GUESS IS %s", "IS THE ANSWER %s", "ARE YOU THINKING OF %s", "YOU ARE %s",
	"I GUESS %s", "COULD IT BE %s",
}

// Namings returns every way of naming object o.
func Namings(o *Object) []string {
	names := []string{o.Name}
	if o.Article != "" {
		names = append(names, o.Article+" "+o.Name)
	}
	names = append(names, o.Synonyms...)
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		for _, t := range nameTemplates {
			q := fmt.Sprintf(t, n)
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

// offTopic is what players type that is not a question about the object.
// The templates share shapes and words (WHAT IS / TELL ME / I AM / YOU ARE
// ...), so that the cover-first split leaves held-out off-topic sentences
// that recombine words met in training, as for attributes.
var offTopic = []string{
	"{HELLO|HI|HEY|HOWDY} {|THERE|FRIEND|AGAIN}", "GOOD {MORNING|NIGHT|DAY|EVENING}",
	"{WHAT|WHO|WHERE} ARE YOU", "HOW {ARE YOU|OLD ARE YOU|FAR IS THE MOON} {TODAY|NOW|}",
	"WHAT IS {YOUR NAME|THE TIME|THE WEATHER|THE ANSWER|THE DATE|TWO PLUS TWO|THE CAPITAL OF FRANCE|THE GAME}",
	"WHAT {TIME|DAY} IS IT {TODAY|NOW|}", "{TELL|GIVE|SHOW} ME {A JOKE|A HINT|THE ANSWER|THE RULES|A SONG|A STORY}",
	"I {AM|FEEL} {BORED|TIRED|LOST}", "I {LIKE|LOVE} {TRAINS|THIS GAME|GAMES}",
	"WHAT A {FUN|WEIRD|GREAT|BORING|SILLY} GAME", "{YOU ARE|THIS GAME IS} {SILLY|FUN|WEIRD|BORING}",
	"{CAN|SHALL} WE {STOP|PLAY AGAIN|START OVER|PLAY A GAME}", "LETS {PLAY|STOP|START OVER|PLAY AGAIN}",
	"HOW {DO I PLAY|DO I WIN|MANY QUESTIONS ARE LEFT|MANY QUESTIONS DO I HAVE}",
	"I {GIVE UP|DONT KNOW|HAVE NO IDEA|WANT A HINT|WANT TO STOP|WANT TO PLAY}",
	"{WHO|WHAT} MADE YOU", "DO YOU LIKE {ME|TRAINS|MUSIC|GAMES|THIS GAME}",
	"WHAT {SHOULD I ASK|DO YOU WANT|DID I ASK|DO I DO|SHOULD I DO}", "{SING|PLAY} A SONG {FOR ME|}",
	"{THANKS|THANK YOU} {|FRIEND|AGAIN}", "{OK|OKAY|SURE|LOL|HAHA|HMM|WAIT|PLEASE|HELP|WHY|WHAT|NEVER MIND}",
	"{BYE|GOODBYE|SEE YOU} {|FRIEND|AGAIN|LATER}", "MY NAME IS {SAM|ANNA|BOB}", "{REPEAT|SAY} THAT {AGAIN|}",
	"{ONE MORE|NEXT} QUESTION", "{NICE|GOOD} GAME", "YOU {CHEAT|WIN|LOSE}", "HMM LET ME THINK",
	"YES OR NO", "ARE YOU SURE", "{I AM|ARE YOU} {READY|DONE|SURE}",
}

// Options control the generated sets.
type Options struct {
	Seed        uint64
	Targets     map[string]int // training pairs aimed at per reply
	HeldOut     float64        // share of each attribute's phrasings kept for the held-out set
	MaxVariants int            // variants per training source sentence at most
	OtherNames  int            // training namings of each other object (answered NO; one more is held out)
	Nonsense    int            // gibberish sentences (answered IDK)
	MaxShare    float64        // of the pairs for the most frequent reply at most
}

// DefaultOptions gives the shipped examples/guess files.
//
// NO gets the most pairs: most questions about any one object are answered
// NO (72% of the penguin's held-out questions), and with fewer NO than YES
// pairs per source sentence the model answered YES to unfamiliar NO
// questions.
func DefaultOptions() Options {
	return Options{
		Seed:        1,
		Targets:     map[string]int{Yes: 800, No: 4000, Maybe: 350, Win: 400, IDK: 1300},
		HeldOut:     0.15,
		MaxVariants: 10,
		OtherNames:  6,
		MaxShare:    0.6,
		Nonsense:    40,
	}
}

// Sets are a training set and a held-out set whose inputs do not occur in
// the training set.
type Sets struct {
	Object         *Object
	Train, HeldOut []augment.Group
}

// Generate makes the sets for secret object o. Every attribute keeps at
// least one phrasing for held-out evaluation; training gets the rest and
// seeded variants of them up to the per-reply targets; where a reply has
// more source sentences than its target, the rest are held out too.
func Generate(o *Object, opt Options) (*Sets, error) {
	r := augment.NewRand(opt.Seed)
	aug := &augment.Augmenter{R: r}
	// off-topic sentences draw from their own stream, so that editing the
	// off-topic list does not reshuffle the split of every other reply
	rIDK := augment.NewRand(opt.Seed ^ 0x1d1d1d1d)
	augIDK := &augment.Augmenter{R: rIDK}
	streams := func(reply string) (*augment.Rand, *augment.Augmenter) {
		if reply == IDK {
			return rIDK, augIDK
		}
		return r, aug
	}
	answer := map[string]string{} // every source sentence and its reply
	var sources, held [][3]string // sentence, reply, what it asks about
	// addSplit holds out h of the questions about topic, the last ones
	// after coverFirst: training sees every word they use, so held-out
	// questions test new phrasings of seen words, not unseen words.
	addSplit := func(topic string, qs []string, reply string, keep int) error {
		r, _ := streams(reply)
		qs = append([]string(nil), qs...)
		r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
		qs = coverFirst(qs)
		h := int(opt.HeldOut*float64(len(qs)) + 0.5)
		if h == 0 && len(qs) >= 4 {
			h = 1
		}
		if keep > 0 && len(qs) > h+keep {
			h = min(h, 1)
			qs = qs[:h+keep]
		}
		for i, q := range qs {
			if r.Intn(3) == 0 {
				q += "?"
			}
			if a, dup := answer[q]; dup && a != reply {
				return fmt.Errorf("question %q has two answers, %s and %s", q, a, reply)
			} else if dup {
				continue
			}
			answer[q] = reply
			if i >= len(qs)-h {
				held = append(held, [3]string{q, reply, topic})
			} else {
				sources = append(sources, [3]string{q, reply, topic})
			}
		}
		return nil
	}
	for _, a := range Attributes {
		if err := addSplit(a.Key, Questions(a), o.Answer(a.Key), 0); err != nil {
			return nil, err
		}
	}
	if err := addSplit("win", Namings(o), Win, 0); err != nil {
		return nil, err
	}
	for i := range Objects {
		if other := &Objects[i]; other != o {
			if err := addSplit(other.Name, Namings(other), No, opt.OtherNames); err != nil {
				return nil, err
			}
		}
	}
	var idk []string
	for _, t := range offTopic {
		idk = append(idk, augment.MustExpand(t)...)
	}
	for n := 0; n < opt.Nonsense; {
		if s := augment.Nonsense(rIDK); answer[s] == "" && !contains(idk, s) {
			idk = append(idk, s)
			n++
		}
	}
	if err := addSplit("idk", idk, IDK, 0); err != nil {
		return nil, err
	}

	used := map[string]bool{}
	for q := range answer {
		used[q] = true
	}
	s := &Sets{Object: o}
	byReply := map[string][]string{}
	topic := map[string]string{}
	for _, p := range sources {
		byReply[p[1]] = append(byReply[p[1]], p[0])
		topic[p[0]] = p[2]
	}
	targets := capTargets(byReply, opt)
	for _, reply := range replies(byReply) {
		r, aug := streams(reply)
		qs := byReply[reply]
		target := targets[reply]
		if len(qs) > target {
			// the sources that do not fit become held-out questions; the
			// kept ones use every word of each topic, so that no word is
			// met only in held-out questions and no sentence shape only
			// with some replies
			r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
			qs = coverTopicsFirst(qs, topic)
			for _, q := range qs[target:] {
				held = append(held, [3]string{q, reply, topic[q]})
			}
			qs = qs[:target]
		}
		groups := make([]augment.Group, len(qs))
		for i, q := range qs {
			groups[i] = augment.Group{Source: q, Reply: reply}
		}
		// one more variant per source and round, until the target is met
		for n, round := len(qs), 0; n < target && round < opt.MaxVariants; round++ {
			for i := range groups {
				if n >= target {
					break
				}
				if v := aug.Variants(groups[i].Source, 1, 60, used); len(v) == 1 {
					used[v[0]] = true
					groups[i].Variants = append(groups[i].Variants, v[0])
					n++
				}
			}
		}
		s.Train = append(s.Train, groups...)
	}
	r.Shuffle(len(s.Train), func(i, j int) { s.Train[i], s.Train[j] = s.Train[j], s.Train[i] })
	// held out: the kept phrasings and each with one typing mistake (the
	// training variants have up to two changes, so the model learns more
	// noise than it is tested on)
	for _, p := range held {
		_, aug := streams(p[1])
		g := augment.Group{Source: p[0], Reply: p[1]}
		for try := 0; try < 4; try++ {
			if v := aug.Typo(p[0]); v != p[0] && !used[v] {
				used[v] = true
				g.Variants = []string{v}
				break
			}
		}
		s.HeldOut = append(s.HeldOut, g)
	}
	return s, nil
}

// capTargets returns the per-reply targets, lowering the largest one (NO,
// for objects with few YES answers) so that it stays within MaxShare of
// the pairs the other replies can reach with their sources and variants.
func capTargets(byReply map[string][]string, opt Options) map[string]int {
	reach := map[string]int{}
	top := ""
	for _, reply := range replies(byReply) {
		reach[reply] = min(opt.Targets[reply], len(byReply[reply])*(1+opt.MaxVariants))
		if top == "" || reach[reply] > reach[top] {
			top = reply
		}
	}
	others := 0
	for reply, n := range reach {
		if reply != top {
			others += n
		}
	}
	t := map[string]int{}
	for reply, n := range opt.Targets {
		t[reply] = n
	}
	t[top] = min(t[top], int(opt.MaxShare/(1-opt.MaxShare)*float64(others)))
	return t
}

// replies returns the keys of m in a fixed order.
func replies(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// coverFirst returns the sentences reordered: first, in order, each one
// with a word none before it has, then the others in order.
func coverFirst(qs []string) []string {
	return coverTopicsFirst(qs, nil)
}

// coverTopicsFirst is coverFirst with words counted per topic[sentence].
func coverTopicsFirst(qs []string, topic map[string]string) []string {
	seen := map[string]bool{}
	var first, rest []string
	for _, q := range qs {
		isNew := false
		for _, w := range strings.Fields(strings.TrimSuffix(q, "?")) {
			if k := topic[q] + " " + w; !seen[k] {
				seen[k], isNew = true, true
			}
		}
		if isNew {
			first = append(first, q)
		} else {
			rest = append(rest, q)
		}
	}
	return append(first, rest...)
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// WriteTrain writes the training set as "input|reply" lines.
func (s *Sets) WriteTrain(w io.Writer, opt Options) error {
	return augment.WriteGroups(w, s.header("training set", opt), s.Train)
}

// WriteHeldOut writes the held-out questions as "input|reply" lines.
func (s *Sets) WriteHeldOut(w io.Writer, opt Options) error {
	return augment.WriteGroups(w, s.header("held-out questions (phrasings not in the training set, each also with one typo)", opt), s.HeldOut)
}

func (s *Sets) header(what string, opt Options) string {
	return fmt.Sprintf("20 Questions %s, secret object %s. Generated by: z80lm data guess --object %s --seed %d",
		what, s.Object.Name, strings.ToLower(s.Object.Name), opt.Seed)
}
