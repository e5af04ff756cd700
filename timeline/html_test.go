package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHTMLHoldsTheSVGTooltipsAndASummary(t *testing.T) {
	tl, err := loadTimeline(fixture("two_executors.json"))
	require.NoError(t, err)
	cfg := Config{Input: "run.json", Width: 1200, MaxArrows: 500, Title: "Timeline of run.json"}
	svg := drawSVG(tl, cfg, cfg.Title)
	page, err := drawHTML(tl, cfg, svg)
	require.NoError(t, err)
	html := string(page)

	assert.True(t, strings.HasPrefix(html, "<!DOCTYPE html>"))
	assert.Contains(t, html, svg, "the SVG is inline, unchanged")
	assert.Contains(t, html, "<title>poll task 2 (poll → Pending)&#10;executor 1, 0 ms → 0.15 ms, 150 µs", "a slice's tooltip")
	assert.Contains(t, html, "wake task 1: reactor → executor 0", "a wake's tooltip")
	assert.Contains(t, html, "How to read it")
	assert.Contains(t, html, "<tr><td>executor 0</td><td>3</td><td>1</td><td>1</td><td>1</td><td>350 µs</td><td>900 µs</td>",
		"executor 0: 3 polls (1 Ready, 1 Pending, 1 error), 350 µs polling, 900 µs parked")
	assert.Contains(t, html, `<tr><td>reactor</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0 µs</td><td>0 µs</td><td>1.75 ms</td><td>2</td><td>0</td><td>1</td><td class="hazard-note">1</td></tr>`)

	// Self-contained: nothing fetched from anywhere, no script.
	assert.NotContains(t, html, "<script")
	assert.NotContains(t, html, "src=")
	assert.NotContains(t, html, "<link")
	assert.Equal(t, 1, strings.Count(html, "http"), "only the SVG namespace names a URL")
}

func TestHTMLEscapesTheTitle(t *testing.T) {
	tl, err := loadTimeline(fixture("two_executors.json"))
	require.NoError(t, err)
	cfg := Config{Input: "<x>.json", Width: 600, Title: "<script>alert(1)</script>"}
	page, err := drawHTML(tl, cfg, drawSVG(tl, cfg, cfg.Title))
	require.NoError(t, err)
	assert.NotContains(t, string(page), "<script>")
}
