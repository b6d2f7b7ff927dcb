package contractgen

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"unicode/utf8"
)

// A DFA decides a regexp match over ASCII text with one table lookup per byte. It is built here,
// at generation time, from the regexp's own program (the NFA package regexp simulates), so both
// always agree on whether ASCII text matches; the validator runs the table and leaves any other
// text to package regexp.

// maxStates bounds a DFA: state numbers are bytes in the generated table.
const maxStates = 256

// table is a DFA as contract.gen.go holds it: next[state<<7|c] is the state after byte c, state
// 0 is dead (no match possible whatever follows), state 1 the start; final[state] says the text
// may end there.
type table struct {
	next  []byte
	final []byte
}

// buildTable compiles pattern as regexp.Compile does and returns its DFA; ok is false when the
// program uses what a DFA over ASCII cannot decide (line anchors, word boundaries) or needs more
// than maxStates states. The pattern itself must compile.
func buildTable(pattern string) (t table, ok bool, err error) {
	if _, err := regexp.Compile(pattern); err != nil {
		return table{}, false, err
	}
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return table{}, false, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return table{}, false, err
	}
	d, ok := buildDFA(prog)
	if !ok {
		return table{}, false, nil
	}
	t.next = make([]byte, 0, len(d.next)<<7)
	for _, row := range d.next {
		for _, to := range row {
			t.next = append(t.next, byte(to)) //nolint:gosec // a state number, below maxStates (256): buildDFA gives up beyond it
		}
	}
	for _, f := range d.final {
		if f {
			t.final = append(t.final, 1)
		} else {
			t.final = append(t.final, 0)
		}
	}
	return t, true, nil
}

// match runs t on s, for the generator's own tests.
func (t table) match(s string) bool {
	st := 1
	for i := 0; i < len(s); i++ {
		st = int(t.next[st<<7|int(s[i])])
		if st == 0 {
			return false
		}
	}
	return t.final[st] == 1
}

type dfa struct {
	prog   *syntax.Prog
	sets   [][]int // NFA instructions of each state
	index  map[string]int
	next   [][128]int
	final  []bool
	accept []bool // a match was found already: the state leads only to itself
}

func buildDFA(prog *syntax.Prog) (*dfa, bool) {
	for _, inst := range prog.Inst {
		if inst.Op == syntax.InstEmptyWidth && emptyOp(&inst)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
			return nil, false // line anchors and word boundaries: leave them to the regexp
		}
	}
	d := &dfa{prog: prog, index: map[string]int{}}
	d.add(nil, "dead", false)
	start, ok := d.closure([]int{prog.Start}, true, false)
	if !ok {
		return nil, false
	}
	d.add(start, "start", true) // never shared: only here does ^ hold
	for st := 1; st < len(d.sets); st++ {
		if d.accept[st] {
			for c := range d.next[st] {
				d.next[st][c] = st
			}
			continue
		}
		for c := range rune(utf8.RuneSelf) {
			var moved []int
			for _, pc := range d.sets[st] {
				inst := &prog.Inst[pc]
				switch inst.Op {
				case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
					if inst.MatchRune(c) {
						moved = append(moved, int(inst.Out))
					}
				default:
				}
			}
			if !d.anchored() {
				moved = append(moved, prog.Start) // a match may start anywhere
			}
			set, ok := d.closure(moved, false, false)
			if !ok {
				return nil, false
			}
			key := string(encodeSet(set))
			target, seen := d.index[key]
			if !seen && len(set) > 0 {
				if len(d.sets) >= maxStates {
					return nil, false
				}
				target = d.add(set, key, false)
			}
			d.next[st][c] = target
		}
	}
	return d, true
}

func (d *dfa) anchored() bool { return d.prog.StartCond()&syntax.EmptyBeginText != 0 }

func (d *dfa) add(set []int, key string, initial bool) int {
	id := len(d.sets)
	d.index[key] = id
	d.sets = append(d.sets, set)
	d.next = append(d.next, [128]int{})
	atEnd, _ := d.closure(set, initial, true)
	d.final = append(d.final, slices.Contains(d.instOps(atEnd), syntax.InstMatch))
	d.accept = append(d.accept, slices.Contains(d.instOps(set), syntax.InstMatch))
	return id
}

func (d *dfa) instOps(set []int) []syntax.InstOp {
	ops := make([]syntax.InstOp, len(set))
	for i, pc := range set {
		ops[i] = d.prog.Inst[pc].Op
	}
	return ops
}

// closure follows the empty transitions from pcs and returns the sorted set of instructions
// reached that consume a rune or match, plus the assertions that do not hold yet (the end of
// the text) so that the text's end can be tried later.
func (d *dfa) closure(pcs []int, begin, end bool) ([]int, bool) {
	seen := make([]bool, len(d.prog.Inst))
	var out []int
	stack := slices.Clone(pcs)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		inst := &d.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, int(inst.Out), int(inst.Arg))
		case syntax.InstNop, syntax.InstCapture:
			stack = append(stack, int(inst.Out))
		case syntax.InstEmptyWidth:
			op := emptyOp(inst)
			switch {
			case op&syntax.EmptyBeginText != 0 && !begin:
				// can never hold again
			case op&syntax.EmptyEndText != 0 && !end:
				out = append(out, pc)
			default:
				stack = append(stack, int(inst.Out))
			}
		case syntax.InstFail:
		case syntax.InstMatch, syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out = append(out, pc)
		default:
			return nil, false
		}
	}
	slices.Sort(out)
	return out, true
}

// emptyOp returns the assertion of an InstEmptyWidth.
func emptyOp(inst *syntax.Inst) syntax.EmptyOp {
	return syntax.EmptyOp(inst.Arg) //nolint:gosec // the Arg of an InstEmptyWidth is an EmptyOp
}

func encodeSet(set []int) []byte {
	var b []byte
	for _, pc := range set {
		b = strconv.AppendInt(b, int64(pc), 10)
		b = append(b, ',')
	}
	return b
}
