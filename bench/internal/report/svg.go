package report

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Chart layout, in pixels.
const (
	chartWidth = 1000
	labelRight = 340 // labels end here
	plotLeft   = 350
	plotRight  = 860
	valueLeft  = 870
	rowHeight  = 22
	barHeight  = 14
	groupGap   = 14
	headHeight = 22
	topMargin  = 78
)

// SVG draws every group's medians as horizontal bars on one shared
// logarithmic time axis (the ranges differ by orders of magnitude), with
// min–max whiskers, isolate's bars in colour, and the reason in place of a
// bar where an implementation cannot do it or is pending.
func SVG(w io.Writer, m Meta, groups []GroupResult) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	rows := 0
	for _, g := range groups {
		for _, c := range g.Cells {
			rows++
			if c.State == Measured {
				lo, hi = math.Min(lo, c.Stat.Min), math.Max(hi, c.Stat.Max)
			}
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1, 1000
	}
	dLo, dHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if dHi <= dLo {
		dHi = dLo + 1
	}
	x := func(ns float64) float64 {
		return plotLeft + (math.Log10(ns)-dLo)/(dHi-dLo)*(plotRight-plotLeft)
	}
	height := topMargin + len(groups)*(headHeight+groupGap) + rows*rowHeight + 40

	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`+"\n",
		chartWidth, height, chartWidth, height)
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text x="16" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", esc("isolate and its peers: time per operation (log scale; shorter is faster)"))
	p(`<text x="16" y="44" fill="#444">%s</text>`+"\n", esc(fmt.Sprintf(
		"blue: isolate · bar: median of %s samples, whisker: min–max · %s · %s, %s cores · %s", m.Samples, m.Date, m.CPU, m.Cores, m.Go)))

	plotTop, plotBottom := topMargin-8, height-32
	// Decade grid lines, labelled at the top and the bottom.
	for d := dLo; d <= dHi; d++ {
		gx := x(math.Pow(10, d))
		p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#d0d7de" stroke-width="1"/>`+"\n", gx, plotTop, gx, plotBottom)
		label := esc(decade(d))
		p(`<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n", gx, plotTop-4, label)
		p(`<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n", gx, plotBottom+14, label)
		if d < dHi {
			for _, k := range []float64{2, 5} {
				mx := x(k * math.Pow(10, d))
				p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eef1f4" stroke-width="1"/>`+"\n", mx, plotTop, mx, plotBottom)
			}
		}
	}

	y := topMargin
	for _, g := range groups {
		y += groupGap
		p(`<text x="16" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", y+14, esc(g.Title))
		y += headHeight
		for _, c := range g.Cells {
			cy := y + rowHeight/2
			weight, fill := "normal", "#8c959f"
			if c.Row.Isolate {
				weight, fill = "bold", "#1f6feb"
			}
			p(`<text x="%d" y="%d" text-anchor="end" font-weight="%s">%s</text>`+"\n", labelRight, cy+4, weight, esc(c.Row.ShortLabel()))
			switch c.State {
			case Measured:
				bx := x(c.Stat.Median)
				p(`<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", plotLeft, cy-barHeight/2, math.Max(bx-plotLeft, 1), barHeight, fill)
				if c.Stat.Max > c.Stat.Min {
					x1, x2 := x(c.Stat.Min), x(c.Stat.Max)
					p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#24292f" stroke-width="1"/>`+"\n", x1, cy, x2, cy)
					p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#24292f" stroke-width="1"/>`+"\n", x1, cy-4, x1, cy+4)
					p(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#24292f" stroke-width="1"/>`+"\n", x2, cy-4, x2, cy+4)
				}
				p(`<text x="%d" y="%d" font-weight="%s">%s</text>`+"\n", valueLeft, cy+4, weight, esc(Duration(c.Stat.Median)))
			case Cannot:
				p(`<text x="%d" y="%d" fill="#b35900" font-style="italic">%s</text>`+"\n", plotLeft+4, cy+4, esc(clip("cannot: "+c.Reason, 80)))
			case Pending:
				p(`<text x="%d" y="%d" fill="#6e7781" font-style="italic">%s</text>`+"\n", plotLeft+4, cy+4, esc(clip("pending: waits for "+c.Reason, 80)))
			default:
				p(`<text x="%d" y="%d" fill="#6e7781" font-style="italic">no result in this run</text>`+"\n", plotLeft+4, cy+4)
			}
			y += rowHeight
		}
	}
	p("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// decade labels 10^d nanoseconds: "10 ns", "1 µs".
func decade(d float64) string {
	units := []string{"ns", "µs", "ms", "s"}
	i := min(int(d)/3, len(units)-1)
	return fmt.Sprintf("%.0f %s", math.Pow(10, d-float64(3*i)), units[i])
}

func esc(s string) string { return html.EscapeString(s) }

// clip shortens s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
