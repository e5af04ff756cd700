// svg.go draws the picture: a title, a legend, a time axis, one lane per
// thread with its slices and instants, the wake arrows over the lanes, and
// notes on anything merged or left out. Every mark carries a <title>, which
// browsers show as a tooltip on hover, and a class saying what it is.

package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// Layout, in pixels.
const (
	margin       = 16
	labelWidth   = 150 // the column of lane labels
	rowHeight    = 18  // one row of slices
	lanePad      = 5   // above and below a lane's rows
	laneGap      = 3   // between two lanes
	legendSwatch = 12
	lineHeight   = 16
)

// picture is the SVG being drawn and where things are on it.
type picture struct {
	tl     *Timeline
	sc     timeScale
	marks  marks
	width  float64
	laneY  []float64 // top of each lane
	laneH  []float64
	height float64
	b      strings.Builder
}

// drawSVG renders the timeline as a standalone SVG document.
func drawSVG(tl *Timeline, cfg Config, title string) string {
	p := &picture{tl: tl, width: float64(cfg.Width)}
	from, to := tl.Start, tl.End
	if cfg.HasFrom {
		from = tl.Start + cfg.FromMS*1000
	}
	if cfg.HasTo {
		to = tl.Start + cfg.ToMS*1000
	}
	if to <= from {
		to = from + 1 // a trace of one instant still gets an axis
	}
	p.sc = timeScale{From: from, To: to, Left: margin + labelWidth, Width: p.width - 2*margin - labelWidth}
	p.marks = buildMarks(tl, p.sc, cfg.MaxArrows)

	header := p.header(title, cfg)
	legend, legendBottom := p.legend(header.bottom)
	axisY := legendBottom + 26
	top := axisY + 8
	y := top
	for _, l := range tl.Lanes {
		h := float64(l.Rows)*rowHeight + 2*lanePad
		p.laneY = append(p.laneY, y)
		p.laneH = append(p.laneH, h)
		y += h + laneGap
	}
	lanesBottom := y - laneGap
	notes := p.notes(cfg)
	p.height = lanesBottom + 24 + float64(len(notes))*lineHeight + margin

	b := &p.b
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="%s" height="%s" viewBox="0 0 %s %s" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`+"\n",
		num(p.width), num(p.height), num(p.width), num(p.height))
	fmt.Fprintf(b, "<title>%s</title>\n", esc(title))
	b.WriteString(`<style>
.slice:hover, .instant:hover { stroke: #000; stroke-width: 1.5; }
.wake:hover { stroke-width: 3; stroke-opacity: 1; }
</style>
<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="` + wakeColour + `"/></marker></defs>
`)
	fmt.Fprintf(b, `<rect class="background" x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", num(p.width), num(p.height))
	b.WriteString(header.svg)
	b.WriteString(legend)
	p.axis(axisY, top, lanesBottom)
	p.lanes()
	p.wakes()
	for i, n := range notes {
		fmt.Fprintf(b, `<text class="note" x="%d" y="%s" fill="#555">%s</text>`+"\n", margin, num(lanesBottom+24+float64(i)*lineHeight), esc(n))
	}
	fmt.Fprintf(b, `<rect class="plot" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#999" stroke-width="0.5"/>`+"\n",
		num(p.sc.Left), num(top), num(p.sc.Width), num(lanesBottom-top))
	b.WriteString("</svg>\n")
	return b.String()
}

type headerPart struct {
	svg    string
	bottom float64
}

// header is the title and one line of counts.
func (p *picture) header(title string, cfg Config) headerPart {
	tl := p.tl
	var b strings.Builder
	fmt.Fprintf(&b, `<text class="title" x="%d" y="%d" font-size="16" font-weight="bold" fill="#111">%s</text>`+"\n", margin, margin+14, esc(title))
	summary := fmt.Sprintf("%d threads · %d slices · %d instants · %d wakes · %s in all",
		len(tl.Lanes), len(tl.Slices), len(tl.Instants), len(tl.Wakes), formatDuration(tl.End-tl.Start))
	if cfg.HasFrom || cfg.HasTo {
		summary += fmt.Sprintf(" · showing %s to %s", formatAt(p.sc.From, tl.Start), formatAt(p.sc.To, tl.Start))
	}
	summary += " · hover over anything for details"
	fmt.Fprintf(&b, `<text class="subtitle" x="%d" y="%d" fill="#555">%s</text>`+"\n", margin, margin+32, esc(summary))
	return headerPart{svg: b.String(), bottom: margin + 40}
}

// legend draws one swatch per kind of mark present, flowing left to right
// and wrapping at the picture's width. It returns the SVG and its bottom.
func (p *picture) legend(top float64) (string, float64) {
	var present [numKinds]bool
	for _, s := range p.marks.Slices {
		present[s.Kind] = true
	}
	type entry struct {
		class, label string
		draw         func(x, y float64) string
	}
	var entries []entry
	for k := range numKinds {
		if !present[k] {
			continue
		}
		st := styles[k]
		entries = append(entries, entry{st.Class, st.Label, func(x, y float64) string {
			return fmt.Sprintf(`<rect x="%s" y="%s" width="%d" height="%d" fill="%s" stroke="#666" stroke-width="0.5"/>`, num(x), num(y), legendSwatch, legendSwatch, st.Fill)
		}})
	}
	hazardInstants, plainInstants := false, false
	for _, in := range p.marks.Instants {
		hazardInstants = hazardInstants || in.Hazard
		plainInstants = plainInstants || !in.Hazard
	}
	if plainInstants {
		entries = append(entries, entry{"instant", "instant (register, spawn, timer, …)", func(x, y float64) string {
			return instantShape(x+legendSwatch/2, y+1, false)
		}})
	}
	if hazardInstants && !present[KindHazard] {
		entries = append(entries, entry{"hazard", "hazard", func(x, y float64) string {
			return instantShape(x+legendSwatch/2, y, true)
		}})
	}
	if len(p.marks.Wakes) > 0 {
		entries = append(entries, entry{"wake", "wake → the woken task's next poll", func(x, y float64) string {
			return fmt.Sprintf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" marker-end="url(#arrowhead)"/>`,
				num(x), num(y+legendSwatch/2), num(x+22), num(y+legendSwatch/2), wakeColour)
		}})
	}
	var b strings.Builder
	b.WriteString(`<g class="legend">` + "\n")
	x, y := float64(margin), top+4
	for _, e := range entries {
		swatchW := float64(legendSwatch)
		if e.class == "wake" {
			swatchW = 24
		}
		w := swatchW + 6 + textWidth(e.label) + 18
		if x+w > p.width-margin && x > margin {
			x, y = margin, y+lineHeight+2
		}
		fmt.Fprintf(&b, `<g class="legend-entry %s">%s<text x="%s" y="%s" fill="#222">%s</text></g>`+"\n",
			e.class, e.draw(x, y), num(x+swatchW+6), num(y+10), esc(e.label))
		x += w
	}
	b.WriteString("</g>\n")
	return b.String(), y + lineHeight
}

// textWidth estimates the width of 12 px text; the legend only needs it to
// wrap its entries.
func textWidth(s string) float64 { return float64(len([]rune(s))) * 6.4 }

// axis draws the tick labels above the lanes and faint lines through them.
func (p *picture) axis(labelY, top, bottom float64) {
	b := &p.b
	b.WriteString(`<g class="axis">` + "\n")
	fmt.Fprintf(b, `<text class="axis-caption" x="%s" y="%s" text-anchor="end" fill="#555">time since start →</text>`+"\n", num(p.sc.Left-24), num(labelY))
	for _, t := range p.sc.ticks(p.tl.Start) {
		fmt.Fprintf(b, `<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ccc" stroke-width="0.7"/>`, num(t.X), num(top-5), num(t.X), num(bottom))
		fmt.Fprintf(b, `<text class="tick-label" x="%s" y="%s" text-anchor="middle" fill="#333">%s</text>`+"\n", num(t.X), num(labelY), esc(t.Label))
	}
	b.WriteString("</g>\n")
}

// lanes draws each lane's band and label, its slices and its instants, and
// instants that belong to every thread as lines across all lanes.
func (p *picture) lanes() {
	b := &p.b
	bySlice := make([][]sliceMark, len(p.tl.Lanes))
	for _, s := range p.marks.Slices {
		bySlice[s.Lane] = append(bySlice[s.Lane], s)
	}
	byInstant := make([][]instantMark, len(p.tl.Lanes))
	var global []instantMark
	for _, in := range p.marks.Instants {
		if in.Lane < 0 {
			global = append(global, in)
			continue
		}
		byInstant[in.Lane] = append(byInstant[in.Lane], in)
	}
	b.WriteString(`<g class="lanes">` + "\n")
	for i, l := range p.tl.Lanes {
		y, h := p.laneY[i], p.laneH[i]
		band := "#f4f5f7"
		if i%2 == 1 {
			band = "#fbfbfc"
		}
		label := l.Name
		if l.Process != "" {
			label = l.Process + " / " + l.Name
		}
		fmt.Fprintf(b, `<g class="lane" data-lane="%d" data-tid="%s">`+"\n", i, esc(l.TID))
		fmt.Fprintf(b, `<rect class="lane-band" x="%d" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", margin, num(y), num(p.width-2*margin), num(h), band)
		fmt.Fprintf(b, `<text class="lane-label" x="%d" y="%s" fill="#111" font-weight="600">%s<title>%s (pid %s, tid %s)</title></text>`+"\n",
			margin+4, num(y+lanePad+rowHeight/2+4), esc(shorten(label, 22)), esc(label), esc(l.PID), esc(l.TID))
		for _, s := range bySlice[i] {
			class := "slice " + styles[s.Kind].Class
			if s.Count > 1 {
				class += " merged"
			}
			fmt.Fprintf(b, `<rect class="%s" x="%s" y="%s" width="%s" height="%d" fill="%s"><title>%s</title></rect>`+"\n",
				class, num(s.X), num(y+lanePad+float64(s.Row)*rowHeight+1), num(s.W), rowHeight-2, styles[s.Kind].Fill, esc(s.Tooltip))
		}
		for _, in := range byInstant[i] {
			class := "instant"
			if in.Hazard {
				class += " hazard"
				fmt.Fprintf(b, `<line class="hazard-line" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`, num(in.X), num(y), num(in.X), num(y+h), styles[KindHazard].Fill)
			}
			fmt.Fprintf(b, `<g class="%s">%s<title>%s</title></g>`+"\n", class, instantShape(in.X, shapeY(y, in.Hazard, h), in.Hazard), esc(in.Tooltip))
		}
		b.WriteString("</g>\n")
	}
	if len(p.laneY) > 0 {
		top, bottom := p.laneY[0], p.laneY[len(p.laneY)-1]+p.laneH[len(p.laneH)-1]
		for _, in := range global {
			colour := instantColour
			class := "instant global"
			if in.Hazard {
				colour, class = styles[KindHazard].Fill, class+" hazard"
			}
			fmt.Fprintf(b, `<g class="%s"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="4 3"/>%s<title>%s</title></g>`+"\n",
				class, num(in.X), num(top-6), num(in.X), num(bottom), colour, instantShape(in.X, top-8, in.Hazard), esc(in.Tooltip))
		}
	}
	b.WriteString("</g>\n")
}

// shapeY is where an instant's shape starts: plain instants sit at the top
// edge of the lane, hazards in its middle where they cannot be missed.
func shapeY(laneTop float64, hazard bool, laneH float64) float64 {
	if hazard {
		return laneTop + laneH/2 - 7
	}
	return laneTop + 1
}

// instantShape is a small dark dot for an instant (unlike the arrows'
// triangular heads), a larger red diamond with a dark outline for a hazard;
// (x, y) is its top centre.
func instantShape(x, y float64, hazard bool) string {
	if hazard {
		return fmt.Sprintf(`<path d="M%s,%s l7,7 l-7,7 l-7,-7 z" fill="%s" stroke="#600" stroke-width="1"/>`, num(x), num(y), styles[KindHazard].Fill)
	}
	return fmt.Sprintf(`<circle cx="%s" cy="%s" r="3" fill="%s" stroke="#fff" stroke-width="0.6"/>`, num(x), num(y+3), instantColour)
}

// wakes draws the arrows over the lanes: from the middle of the waking
// lane at the wake to the edge of the woken lane's first row at the poll.
// An arrow within one lane arcs above it.
func (p *picture) wakes() {
	b := &p.b
	// Many arrows are drawn fainter and thinner, so where they crowd they
	// read as a band and the bars under them still show.
	n := float64(len(p.marks.Wakes))
	opacity := math.Max(0.3, math.Min(0.85, 60/n))
	width := 1.3
	if n > 60 {
		width = 0.9
	}
	fmt.Fprintf(b, `<g class="wakes" fill="none" stroke="%s" stroke-width="%s" stroke-opacity="%s">`+"\n", wakeColour, num(width), num(opacity))
	for _, w := range p.marks.Wakes {
		y1 := p.laneY[w.FromLane] + p.laneH[w.FromLane]/2
		rowTop := p.laneY[w.ToLane] + lanePad
		var d string
		switch {
		case w.FromLane == w.ToLane:
			lift := math.Min(14, math.Max(6, math.Abs(w.X2-w.X1)/3))
			d = fmt.Sprintf("M%s,%s C%s,%s %s,%s %s,%s", num(w.X1), num(rowTop), num(w.X1), num(rowTop-lift), num(w.X2), num(rowTop-lift), num(w.X2), num(rowTop))
		case w.ToLane > w.FromLane:
			d = fmt.Sprintf("M%s,%s L%s,%s", num(w.X1), num(y1), num(w.X2), num(rowTop))
		default:
			d = fmt.Sprintf("M%s,%s L%s,%s", num(w.X1), num(y1), num(w.X2), num(rowTop+rowHeight))
		}
		fmt.Fprintf(b, `<path class="wake" d="%s" marker-end="url(#arrowhead)"><title>%s</title></path>`+"\n", d, esc(w.Tooltip))
	}
	b.WriteString("</g>\n")
}

// notes are the lines under the lanes that say what the picture merged,
// thinned or left out, so nothing is hidden without a word.
func (p *picture) notes(cfg Config) []string {
	tl, m := p.tl, p.marks
	var notes []string
	notes = append(notes, fmt.Sprintf("One lane per thread; %s per pixel. Slices narrower than a pixel that touch are merged into one mark.", formatDuration(p.sc.PerPixel())))
	if m.MergedMarks > 0 {
		notes = append(notes, fmt.Sprintf("Merged: %d marks stand for %d slices (hover over one to see what it holds); -from and -to zoom in.", m.MergedMarks, m.MergedSlices))
	}
	if m.WakesDropped > 0 {
		notes = append(notes, fmt.Sprintf("Wakes: %d of %d arrows drawn, every %s one, evenly over time; -max-arrows %d draws them all.",
			len(m.Wakes), m.WakesInWindow, ordinal(float64(m.WakesInWindow)/float64(len(m.Wakes))), m.WakesInWindow))
	}
	if m.WakesOutside > 0 && (cfg.HasFrom || cfg.HasTo) {
		notes = append(notes, fmt.Sprintf("Wakes: %d not drawn because they start or end outside the window.", m.WakesOutside))
	}
	if tl.OpenFlows > 0 || tl.UnmatchedEnds > 0 {
		notes = append(notes, fmt.Sprintf("Incomplete in the trace: %d flows with no finish, %d E events with no B.", tl.OpenFlows, tl.UnmatchedEnds))
	}
	if len(tl.Ignored) > 0 {
		var parts []string
		n := 0
		for _, ph := range sortedKeys(tl.Ignored) {
			parts = append(parts, fmt.Sprintf("%s ×%d", ph, tl.Ignored[ph]))
			n += tl.Ignored[ph]
		}
		notes = append(notes, fmt.Sprintf("Not drawn: %s of phases this picture does not show (%s).", plural(n, "event"), strings.Join(parts, ", ")))
	}
	return notes
}

// plural writes "1 event", "2 events".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ordinal writes "2nd", "3rd", "25th" for a rounded ratio.
func ordinal(r float64) string {
	n := int(math.Round(r))
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// defaultTitle names the picture after its trace file.
func defaultTitle(path string) string {
	return "Timeline of " + filepath.Base(path)
}

// num writes a coordinate with at most two decimals.
func num(f float64) string { return trimZeros(fmt.Sprintf("%.2f", f)) }

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// esc escapes text for XML content and attribute values.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\n':
			b.WriteString("&#10;")
		default:
			// XML 1.0 forbids most control characters even escaped.
			if r < 0x20 && r != '\t' || r == 0xFFFE || r == 0xFFFF {
				b.WriteRune('\uFFFD')
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
