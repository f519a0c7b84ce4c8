package train

import (
	"fmt"
	"strings"
)

// PlotSVG draws the loss (right axis) and the float and integer accuracy
// (left axis, 0–100%) per epoch as a self-contained SVG image.
func PlotSVG(h []Epoch) []byte {
	const (
		w, ht                  = 640, 360
		left, right, top, bott = 50, 60, 30, 40
		pw, ph                 = w - left - right, ht - top - bott
	)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", w, ht, w, ht)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, ht)
	maxLoss := 0.0
	for _, e := range h {
		maxLoss = max(maxLoss, e.Loss)
	}
	if maxLoss == 0 {
		maxLoss = 1
	}
	n := max(len(h), 2)
	x := func(i int) float64 { return left + float64(pw)*float64(i)/float64(n-1) }
	yAcc := func(a float64) float64 { return top + float64(ph)*(1-a) }
	yLoss := func(l float64) float64 { return top + float64(ph)*(1-l/maxLoss) }
	// grid and axes
	for k := 0; k <= 10; k += 2 {
		y := yAcc(float64(k) / 10)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, left+pw, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%d%%</text>`+"\n", left-4, y+4, k*10)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f">%.2f</text>`+"\n", left+pw+4, y+4, maxLoss*float64(k)/10)
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", left, top, pw, ph)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">epoch (1–%d)</text>`+"\n", left+pw/2, ht-10, len(h))
	series := []struct {
		name, color string
		y           func(Epoch) float64
	}{
		{"loss (right axis)", "#888", func(e Epoch) float64 { return yLoss(e.Loss) }},
		{"float accuracy", "#1f77b4", func(e Epoch) float64 { return yAcc(e.FloatAcc) }},
		{"integer accuracy", "#d62728", func(e Epoch) float64 { return yAcc(e.IntAcc) }},
	}
	for s, sr := range series {
		var pts []string
		for i, e := range h {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), sr.y(e)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", sr.color, strings.Join(pts, " "))
		lx := left + 10 + s*170
		fmt.Fprintf(&b, `<line x1="%d" y1="15" x2="%d" y2="15" stroke="%s" stroke-width="2"/><text x="%d" y="19">%s</text>`+"\n", lx, lx+20, sr.color, lx+24, sr.name)
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}
