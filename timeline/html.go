// html.go writes the HTML page: the same SVG inline, a short guide to
// reading it, and a table that sums up each thread. It is one
// self-contained file (inline CSS, no script), so it opens from disk,
// attaches to a message, and works offline.

package main

import (
	"bytes"
	"fmt"
	"html/template"
	"path/filepath"
)

// pageTemplate is the page. The SVG comes in as template.HTML: drawSVG
// escapes every piece of text it puts in it.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"dur": formatDuration}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
h2 { font-size: 17px; margin: 18px 0 6px; }
.picture { overflow-x: auto; border: 1px solid #ddd; }
.picture svg { display: block; }
.guide { max-width: 60em; line-height: 1.45; font-size: 14px; }
table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f5f7; }
.hazard-note { color: #c00020; font-weight: bold; }
.source { color: #666; font-size: 12px; }
</style>
</head>
<body>
<div class="picture">
{{.SVG}}
</div>
<p class="source">{{.Source}}</p>
<div class="guide">
<h2>How to read it</h2>
<ul>
<li>Each <b>lane</b> is one OS thread, named on the left: the reactor, which waits for the operating system, and each executor, which polls tasks. Time runs left to right; the axis shows milliseconds since the trace began.</li>
<li>A <b>bar</b> is time a thread spent on one thing. Polls are coloured by what they returned: green for Ready (the task is done), blue for Pending (it waits for something and left a waker behind), orange for an error. Pale grey is an executor <b>parked</b>, asleep until a waker unparks it; pale violet is the reactor <b>waiting</b> in epoll_wait or kevent.</li>
<li>An <b>arrow</b> is a wake: it starts where one thread called a task's waker (usually the reactor, when a socket became ready) and ends at that task's next poll, on whichever executor runs it. The gap between the two ends is how long the woken task waited to run.</li>
<li>A small <b>triangle</b> on top of a lane marks an instant: a socket registered or deregistered, a task spawned, a timer fired. A dashed line across every lane marks an event of the whole process, such as Ctrl-C.</li>
<li class="hazard-note">A red diamond or a red bar is a hazard: something the traced program flagged as suspicious; its tooltip says what. Look there first.</li>
<li>Hover over anything for its details. Bars narrower than a pixel are merged, and their tooltip says how many they hold; -from and -to zoom in.</li>
</ul>
</div>
<h2>Per thread</h2>
<table>
<tr><th>thread</th><th>polls</th><th>Ready</th><th>Pending</th><th>error</th><th>time polling</th><th>time parked</th><th>time waiting</th><th>wakes sent</th><th>wakes received</th><th>instants</th><th>hazards</th></tr>
{{range .Lanes}}<tr><td>{{.Name}}</td><td>{{.Polls}}</td><td>{{.Ready}}</td><td>{{.Pending}}</td><td>{{.Errors}}</td><td>{{dur .PollTime}}</td><td>{{dur .ParkTime}}</td><td>{{dur .WaitTime}}</td><td>{{.WakesSent}}</td><td>{{.WakesReceived}}</td><td>{{.Instants}}</td><td{{if .Hazards}} class="hazard-note"{{end}}>{{.Hazards}}</td></tr>
{{end}}</table>
</body>
</html>
`))

// drawHTML renders the page around an SVG drawn by drawSVG.
func drawHTML(tl *Timeline, cfg Config, svg string) ([]byte, error) {
	var b bytes.Buffer
	err := pageTemplate.Execute(&b, struct {
		Title, Source string
		SVG           template.HTML
		Lanes         []laneStats
	}{
		Title:  cfg.Title,
		Source: fmt.Sprintf("From %s: %d events, %s.", filepath.Base(cfg.Input), tl.Events, formatDuration(tl.End-tl.Start)),
		SVG:    template.HTML(svg),
		Lanes:  summarize(tl),
	})
	if err != nil {
		return nil, fmt.Errorf("draw the HTML page: %w", err)
	}
	return b.Bytes(), nil
}
