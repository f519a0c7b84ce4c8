//go:build browser

// The end-to-end test of the browser version, in a real headless Chromium:
//
//	go test -tags browser -run TestBrowser -v ./web
//
// It needs Debian's chromium (/usr/bin/chromium, or $CHROMIUM). It plays
// the shipped CHAT and GUESS and, when ../shared/reference is there, the
// original project's two models compiled by z80lm build; every reply on the
// screen must equal `z80lm chat --native`'s for the same model. web/e2e.sh
// runs it as CI does.
package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"z80lm/internal/reftest"
)

// A program the test plays: its name on the page, the model it was
// compiled from, and queries.
type game struct {
	name, com, model string
	queries          []string
	want             []string // z80lm chat --native --model model
}

const queriesPerProgram = 3

func TestBrowser(t *testing.T) {
	root := reftest.ModuleRoot(t)
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("no browser: %v (apt-get install chromium, or set CHROMIUM)", err)
	}
	out := os.Getenv("Z80LM_E2E_OUT")
	if out == "" {
		out = filepath.Join(os.TempDir(), "z80lm-e2e")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()

	// The real binary: it compiles the programs, gives the reference
	// replies and serves the page.
	bin := filepath.Join(tmp, "z80lm")
	run(t, root, "", "go", "build", "-o", bin, "./cmd/z80lm")

	// The shipped programs, which the page offers by itself.
	games := []game{
		{name: "CHAT", com: filepath.Join(root, "examples", "chat", "CHAT.COM"), model: filepath.Join(root, "examples", "chat", "chat.z80lm"),
			queries: []string{"hello", "who are you", "what can you do"}},
		{name: "GUESS", com: filepath.Join(root, "examples", "guess", "GUESS.COM"), model: filepath.Join(root, "examples", "guess", "guess.z80lm"),
			queries: []string{"is it an animal", "can it fly", "is it a penguin"}},
	}
	// The original project's models, compiled here and offered with --com;
	// their replies must also equal the golden files.
	serveArgs := []string{"serve", "--addr", "127.0.0.1:0"}
	ref := filepath.Join(root, "..", "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Logf("reference models not found in %s (%v): playing the shipped programs only", ref, err)
	} else {
		for _, p := range []struct{ name, model, expected string }{
			{"TINYCHAT", "tinychat-model.npz", "tinychat-expected.txt"},
			{"REFGUESS", "guess-model.npz", "guess-expected.txt"},
		} {
			g := game{name: p.name, com: filepath.Join(tmp, p.name+".COM"), model: filepath.Join(ref, p.model)}
			run(t, root, "", bin, "build", "--model", g.model, "--out", g.com)
			var golden []string
			g.queries, golden = readExpected(t, filepath.Join(ref, p.expected), queriesPerProgram)
			g.want = native(t, bin, g)
			if strings.Join(g.want, "|") != strings.Join(golden, "|") {
				t.Fatalf("%s: z80lm chat --native replies %q, the reference file %q", p.name, g.want, golden)
			}
			games = append(games, g)
			serveArgs = append(serveArgs, "--com", g.com)
		}
	}
	for i := range games {
		if games[i].want == nil {
			games[i].want = native(t, bin, games[i])
		}
	}
	base := startServer(t, bin, serveArgs)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(tmp, "chromium-profile")),
		chromedp.WindowSize(1000, 700),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()

	// Collect what the page says on its console: an exception or a CSP
	// violation fails the test.
	var console []string
	consoleDone := make(chan struct{})
	messages := chromedp.Console(ctx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				console = append(console, m.String())
			}
		}
	}()

	must(t, chromedp.Do(ctx, chromedp.Navigate(base))) // CHAT is the default
	waitInput(t, ctx, games[0].name, 1)
	metrics(t, ctx, out)

	for gi, g := range games {
		if gi > 0 {
			// Switch programs with the menu.
			must(t, chromedp.Do(ctx, chromedp.Click(`#programs button[data-name="`+g.name+`"]`)))
			waitInput(t, ctx, g.name, 1)
		}
		for qi, q := range g.queries {
			paced := gi == 0 && qi == 0
			if !paced {
				setFullSpeed(t, ctx, true)
			}
			got, replyT, wall := ask(t, ctx, g.name, q, qi+2)
			t.Logf("%s: %q -> %q (%d T-states = %.2f s at 4 MHz; browser took %.2f s)",
				g.name, q, got, replyT, float64(replyT)/4e6, wall.Seconds())
			if got != g.want[qi] {
				t.Errorf("%s: %q: the page shows %q, z80lm chat --native says %q", g.name, q, got, g.want[qi])
			}
			// At 4 MHz a reply cannot arrive sooner than its T-states allow.
			if paced && wall.Seconds() < float64(replyT)/4e6*0.95 {
				t.Errorf("4 MHz mode: a reply of %d T-states (%.2f s) came after %.2f s", replyT, float64(replyT)/4e6, wall.Seconds())
			}
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(t, err)
		path := filepath.Join(out, "screenshot-"+strings.ToLower(g.name)+".png")
		must(t, os.WriteFile(path, shot, 0o644))
		fmt.Println("screenshot:", path)
	}

	// The drop zone's file picker runs a local .COM: the same program,
	// the same replies.
	g := games[len(games)-1]
	local := filepath.Join(tmp, "LOCAL.COM")
	b, err := os.ReadFile(g.com)
	must(t, err)
	must(t, os.WriteFile(local, b, 0o644))
	must(t, chromedp.Do(ctx, chromedp.SetUploadFiles("#file", []string{local})))
	waitInput(t, ctx, "LOCAL", 1)
	if got, _, _ := ask(t, ctx, "LOCAL", g.queries[0], 2); got != g.want[0] {
		t.Errorf("%s.COM from the file picker: %q -> %q, want %q", g.name, g.queries[0], got, g.want[0])
	}

	// And the drop zone, with a drop event carrying the first program as a
	// local file.
	g = games[0]
	drop := fmt.Sprintf(`fetch("programs/%s.COM").then(r => r.arrayBuffer()).then(b => {
		const dt = new DataTransfer();
		dt.items.add(new File([b], "dropped.com"));
		document.getElementById("term").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;
	})`, g.name)
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](drop, chromedp.EvalAwaitPromise))
	must(t, err)
	waitInput(t, ctx, "DROPPED", 1)
	if got, _, _ := ask(t, ctx, "DROPPED", g.queries[1], 2); got != g.want[1] {
		t.Errorf("%s.COM dropped on the page: %q -> %q, want %q", g.name, g.queries[1], got, g.want[1])
	}

	// The same page on a phone-sized screen, for the record.
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(t, err)
	path := filepath.Join(out, "screenshot-phone.png")
	must(t, os.WriteFile(path, shot, 0o644))
	fmt.Println("screenshot:", path)

	// A line starting with "!" ends the program; the page says so.
	must(t, chromedp.Do(ctx, chromedp.KeyEvent("!"), chromedp.KeyEvent(kb.Enter)))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.body.dataset.state === "exited" && document.getElementById("screen").textContent.includes("has exited")`,
		chromedp.WithPollingTimeout(time.Minute)))
	if err != nil {
		t.Errorf("after \"!\" the page does not show the program's exit: %v", err)
	}

	cancel()
	<-consoleDone
	for _, m := range console {
		t.Errorf("browser console: %s", m)
	}
}

// native returns `z80lm chat --native`'s replies to g's queries.
func native(t *testing.T, bin string, g game) []string {
	t.Helper()
	out := run(t, "", strings.Join(g.queries, "\n")+"\n", bin, "chat", "--native", "--model", g.model)
	replies := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(replies) != len(g.queries) {
		t.Fatalf("%s: z80lm chat --native gave %d lines for %d queries: %q", g.name, len(replies), len(g.queries), out)
	}
	return replies
}

// ask types q into the terminal and returns the reply read off the screen,
// its T-states as the page measured them, and how long the browser took.
func ask(t *testing.T, ctx context.Context, prog, q string, turn int) (string, uint64, time.Duration) {
	t.Helper()
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("screen").textContent`))
	must(t, err)
	start := time.Now()
	must(t, chromedp.Do(ctx,
		chromedp.Click("#term"), // focuses the hidden input, as a user's click does
		chromedp.KeyEvent(q),
		chromedp.KeyEvent(kb.Enter),
	))
	waitInput(t, ctx, prog, turn)
	wall := time.Since(start)
	after, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("screen").textContent`))
	must(t, err)
	replyT, err := chromedp.Run(ctx, chromedp.Evaluate[uint64](`+document.body.dataset.replyT`))
	must(t, err)
	if !strings.HasPrefix(after, before) {
		t.Fatalf("%s: the screen changed above the prompt:\nbefore %q\nafter  %q", prog, before, after)
	}
	// The new text is the echoed query, the reply, and the next prompt.
	lines := strings.Split(after[len(before):], "\n")
	if len(lines) < 3 || !strings.EqualFold(strings.TrimSpace(lines[0]), q) {
		t.Fatalf("%s: after %q the screen added %q; want the echo, a reply, a prompt", prog, q, after[len(before):])
	}
	return strings.TrimSpace(strings.Join(lines[1:len(lines)-1], "\n")), replyT, wall
}

// waitInput waits until prog asks for input for the turn-th time.
func waitInput(t *testing.T, ctx context.Context, prog string, turn int) {
	t.Helper()
	cond := fmt.Sprintf(`document.body.dataset.program === %q && document.body.dataset.state === "input" && +document.body.dataset.turns >= %d || document.body.dataset.state === "error"`, prog, turn)
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(2*time.Minute), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("waiting for %s to ask for input (turn %d): %v", prog, turn, err)
	}
	state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.state + ": " + document.getElementById("screen").textContent`))
	if strings.HasPrefix(state, "error") {
		t.Fatalf("the page reports an error: %s", state)
	}
}

func setFullSpeed(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("full").checked`))
	must(t, err)
	if checked != on {
		must(t, chromedp.Do(ctx, chromedp.Click("#full")))
	}
}

// metrics reports the time to interactive (navigation to the program's
// first input request) and the bytes transferred, and writes them to
// metrics.json in out.
func metrics(t *testing.T, ctx context.Context, out string) {
	t.Helper()
	js := `(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const res = performance.getEntriesByType("resource");
		const mark = performance.getEntriesByName("z80lm-interactive")[0];
		const files = {};
		let transferred = nav.transferSize, decoded = nav.decodedBodySize;
		for (const r of res) {
			transferred += r.transferSize; decoded += r.decodedBodySize;
			files[r.name.replace(/^.*\//, "")] = {transferred: r.transferSize, decoded: r.decodedBodySize};
		}
		return JSON.stringify({
			interactive_ms: mark ? mark.startTime : -1,
			dom_content_loaded_ms: nav.domContentLoadedEventEnd,
			transferred_bytes: transferred,
			decoded_bytes: decoded,
			files,
		});
	})()`
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	must(t, err)
	var m struct {
		Interactive float64 `json:"interactive_ms"`
		Transferred int     `json:"transferred_bytes"`
		Decoded     int     `json:"decoded_bytes"`
	}
	must(t, json.Unmarshal([]byte(s), &m))
	path := filepath.Join(out, "metrics.json")
	must(t, os.WriteFile(path, []byte(s+"\n"), 0o644))
	fmt.Printf("time to interactive: %.0f ms; transferred %d bytes (%d decoded); %s\n", m.Interactive, m.Transferred, m.Decoded, path)
	if m.Interactive < 0 {
		t.Error("the page set no z80lm-interactive mark")
	}
}

// startServer runs `z80lm serve` and returns its URL.
func startServer(t *testing.T, bin string, args []string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	url := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`serving z80lm on (http://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				url <- m[1]
			}
		}
		close(url)
	}()
	select {
	case u, ok := <-url:
		if !ok {
			t.Fatal("z80lm serve ended without serving")
		}
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("z80lm serve did not start within 30 s")
	}
	return ""
}

// readExpected returns the first n queries of a reference file and their
// golden replies.
func readExpected(t *testing.T, path string, n int) (queries, replies []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		q, r, ok := strings.Cut(line, "|")
		if !ok {
			continue
		}
		queries, replies = append(queries, q), append(replies, r)
		if len(queries) == n {
			break
		}
	}
	if len(queries) < n {
		t.Fatalf("%s: fewer than %d queries", path, n)
	}
	return queries, replies
}

func run(t *testing.T, dir, stdin, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
