// stats.go sums each lane up for the HTML page's table: how often its
// thread polled and with what result, how long it spent polling, parked
// and waiting, and how many wakes it sent and received.

package main

// laneStats is one row of the summary table.
type laneStats struct {
	Name                          string
	Polls, Ready, Pending, Errors int
	PollTime, ParkTime, WaitTime  float64 // microseconds
	WakesSent, WakesReceived      int
	Instants, Hazards             int
}

// summarize computes one laneStats per lane, in lane order.
func summarize(tl *Timeline) []laneStats {
	out := make([]laneStats, len(tl.Lanes))
	for i, l := range tl.Lanes {
		out[i].Name = l.Name
		if l.Process != "" {
			out[i].Name = l.Process + " / " + l.Name
		}
	}
	for _, s := range tl.Slices {
		st := &out[s.Lane]
		switch s.Kind {
		case KindReady, KindPending, KindError, KindPoll:
			st.Polls++
			st.PollTime += s.Dur
		case KindPark:
			st.ParkTime += s.Dur
		case KindWait:
			st.WaitTime += s.Dur
		case KindHazard:
			st.Hazards++
		}
		switch s.Kind {
		case KindReady:
			st.Ready++
		case KindPending:
			st.Pending++
		case KindError:
			st.Errors++
		}
	}
	for _, w := range tl.Wakes {
		out[w.FromLane].WakesSent++
		out[w.ToLane].WakesReceived++
	}
	for _, in := range tl.Instants {
		if in.Lane < 0 {
			continue
		}
		out[in.Lane].Instants++
		if in.Hazard {
			out[in.Lane].Hazards++
		}
	}
	return out
}
