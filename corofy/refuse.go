// This file holds the one kind of error corofy reports about its input: a
// refusal, which names the file and line of the construct it cannot turn
// into a state machine and says why, so the author can rewrite that spot.

package main

import (
	"fmt"
	"go/token"
)

// refusal is corofy declining a construct. It is never a crash and never
// wrong code: the generated file is written only when nothing was refused.
type refusal struct {
	pos    token.Position
	reason string
}

func (r *refusal) Error() string {
	return fmt.Sprintf("%s: corofy: %s", r.pos, r.reason)
}

// refuse builds the refusal for the node at pos.
func (g *generator) refuse(pos token.Pos, format string, args ...any) error {
	p := g.fset.Position(pos)
	p.Filename = g.displayName
	return &refusal{pos: p, reason: fmt.Sprintf(format, args...)}
}
