package train

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// The plots: loss (right axis) and float and integer accuracy (left axis,
// 0–100%) per epoch, as SVG (with labels) or PNG (the same lines and
// grid, without text: the standard library has no fonts).

const (
	plotW, plotH                             = 640, 360
	plotLeft, plotRight, plotTop, plotBottom = 50, 60, 30, 40
	plotPW, plotPH                           = plotW - plotLeft - plotRight, plotH - plotTop - plotBottom
)

type plotPoint struct{ x, y float64 }

type plotSeries struct {
	name  string
	color color.RGBA
	pts   []plotPoint
}

// plotLayout returns the lines of the plot of h in image coordinates, and
// the largest loss (the top of the right axis).
func plotLayout(h []Epoch) ([]plotSeries, float64) {
	maxLoss := 0.0
	for _, e := range h {
		maxLoss = max(maxLoss, e.Loss)
	}
	if maxLoss == 0 {
		maxLoss = 1
	}
	n := max(len(h), 2)
	x := func(i int) float64 { return plotLeft + float64(plotPW)*float64(i)/float64(n-1) }
	yAcc := func(a float64) float64 { return plotTop + float64(plotPH)*(1-a) }
	series := []plotSeries{
		{name: "loss (right axis)", color: color.RGBA{0x88, 0x88, 0x88, 0xff}},
		{name: "float accuracy", color: color.RGBA{0x1f, 0x77, 0xb4, 0xff}},
		{name: "integer accuracy", color: color.RGBA{0xd6, 0x27, 0x28, 0xff}},
	}
	for i, e := range h {
		for s, y := range []float64{yAcc(e.Loss / maxLoss), yAcc(e.FloatAcc), yAcc(e.IntAcc)} {
			series[s].pts = append(series[s].pts, plotPoint{x(i), y})
		}
	}
	return series, maxLoss
}

func hexColor(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// PlotSVG draws the plot of h as a self-contained SVG image.
func PlotSVG(h []Epoch) []byte {
	series, maxLoss := plotLayout(h)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", plotW, plotH, plotW, plotH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotW, plotH)
	for k := 0; k <= 10; k += 2 {
		y := plotTop + float64(plotPH)*(1-float64(k)/10)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", plotLeft, y, plotLeft+plotPW, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%d%%</text>`+"\n", plotLeft-4, y+4, k*10)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f">%.2f</text>`+"\n", plotLeft+plotPW+4, y+4, maxLoss*float64(k)/10)
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", plotLeft, plotTop, plotPW, plotPH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">epoch (1–%d)</text>`+"\n", plotLeft+plotPW/2, plotH-10, len(h))
	for s, sr := range series {
		var pts []string
		for _, p := range sr.pts {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x, p.y))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", hexColor(sr.color), strings.Join(pts, " "))
		lx := plotLeft + 10 + s*170
		fmt.Fprintf(&b, `<line x1="%d" y1="15" x2="%d" y2="15" stroke="%s" stroke-width="2"/><text x="%d" y="19">%s</text>`+"\n", lx, lx+20, hexColor(sr.color), lx+24, sr.name)
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// PlotPNG draws the plot of h as a PNG image: the grid lines every 20%,
// the frame, a colour key (short strokes at the top, in the order loss,
// float, integer accuracy) and the three lines.
func PlotPNG(h []Epoch) []byte {
	series, _ := plotLayout(h)
	img := image.NewRGBA(image.Rect(0, 0, plotW, plotH))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	grid, frame := color.RGBA{0xdd, 0xdd, 0xdd, 0xff}, color.RGBA{0x88, 0x88, 0x88, 0xff}
	for k := 0; k <= 10; k += 2 {
		y := plotTop + float64(plotPH)*(1-float64(k)/10)
		drawLine(img, plotPoint{plotLeft, y}, plotPoint{plotLeft + plotPW, y}, grid, 1)
	}
	corners := []plotPoint{{plotLeft, plotTop}, {plotLeft + plotPW, plotTop}, {plotLeft + plotPW, plotTop + plotPH}, {plotLeft, plotTop + plotPH}}
	for i := range corners {
		drawLine(img, corners[i], corners[(i+1)%4], frame, 1)
	}
	for s, sr := range series {
		lx := float64(plotLeft + 10 + s*170)
		drawLine(img, plotPoint{lx, 15}, plotPoint{lx + 20, 15}, sr.color, 2)
		for i := 1; i < len(sr.pts); i++ {
			drawLine(img, sr.pts[i-1], sr.pts[i], sr.color, 2)
		}
		if len(sr.pts) == 1 {
			drawLine(img, sr.pts[0], sr.pts[0], sr.color, 2)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img) // writing to memory cannot fail
	return b.Bytes()
}

// drawLine draws a line of width w (1 or 2 pixels) from a to b by
// sampling it every half pixel.
func drawLine(img *image.RGBA, a, b plotPoint, c color.RGBA, w int) {
	steps := int(2*max(math.Abs(b.x-a.x), math.Abs(b.y-a.y))) + 1
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x := int(math.Round(a.x + t*(b.x-a.x)))
		y := int(math.Round(a.y + t*(b.y-a.y)))
		for dx := 0; dx < w; dx++ {
			for dy := 0; dy < w; dy++ {
				img.SetRGBA(x+dx, y+dy, c)
			}
		}
	}
}
