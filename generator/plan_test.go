package generator

import (
	"strings"
	"testing"
)

// planDir plans the one package in a directory under testdata/generator,
// without rendering anything, from the load the package's tests share;
// each call plans it afresh.
func planDir(t *testing.T, name string) (*packagePlan, ErrorList) {
	t.Helper()
	cfg, pkg, err := loadedTestdata(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	l := loadPackage(cfg, pkg)
	p := planPackage(l)
	return p, append(l.errs, p.errs...)
}

func messageNamed(t *testing.T, p *packagePlan, name string) *messagePlan {
	t.Helper()
	for _, m := range p.messages {
		if m.obj.Name() == name {
			return m
		}
	}
	t.Fatalf("no plan for message %s", name)
	return nil
}

// helperSummary lists a copy's helpers as name, or name/table when the
// helper keeps identity.
func helperSummary(m *messagePlan) string {
	var s []string
	for _, h := range m.helpers {
		if h.seen != "" {
			s = append(s, h.name+"/"+h.seen)
		} else {
			s = append(s, h.name)
		}
	}
	return strings.Join(s, " ")
}

func TestPlanCopyModes(t *testing.T) {
	for _, tc := range []struct {
		dir, msg string
		mode     copyMode
		helpers  string // helperSummary
		seeded   bool
		memo     int // memo tables
	}{
		// No cycle in the type graph: straight-line code, no identity.
		{"basic", "Order", modePlain, "", false, 0},
		{"basic", "Point", modePlain, "", false, 0},
		// Cycles through pointers and slices: every pointer keeps identity,
		// and the root's own address is compared first.
		{"recursive", "Node", modeTracked, "copyPtrNode/seenPtrNode copySlicePtrNode/seenSlicePtrNode copyMapPtrNode/seenMapPtrNode copyPtrMeta/seenPtrMeta", true, 4},
		{"recursive", "Graph", modeTracked, "copySlicePtrNode/seenSlicePtrNode copyPtrNode/seenPtrNode copyMapPtrNode/seenMapPtrNode copyPtrMeta/seenPtrMeta", false, 4},
		{"recursive", "List", modeTracked, "copySliceList/seenSliceList", false, 1},
		// Holder cannot reach itself, but holds a Node that can: one memo
		// for the whole value, and a *Node may point at Holder.Root, so
		// the root's field is compared first (seeded).
		{"recursive", "Holder", modeTracked, "copyPtrNode/seenPtrNode copySlicePtrNode/seenSlicePtrNode copyMapPtrNode/seenMapPtrNode copyPtrMeta/seenPtrMeta", true, 4},
		// Cycles through maps alone: a map has identity, tracked as a
		// pointer's is; tree opts out.
		{"maponly", "Env", modeTracked, "copyMapEnv/seenMapEnv", false, 1},
		{"maponly", "Menu", modeTracked, "copySliceMenu/seenSliceMenu copyMapMenu/seenMapMenu", false, 2},
		{"maponly", "Flat", modeTracked, "copyMapFlat/seenMapFlat", false, 1},
		{"maponly", "Forest", modeTree, "", false, 0}, // recursion through its own DeepCopyInto
		// tree: no identity. Node recurses through its own DeepCopyInto,
		// Dir through a helper for the unannotated entry.
		{"tree", "Node", modeTree, "", false, 0},
		{"tree", "Dir", modeTree, "copyPtrEntry", false, 0},
	} {
		t.Run(tc.dir+"/"+tc.msg, func(t *testing.T) {
			p, errs := planDir(t, tc.dir)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			m := messageNamed(t, p, tc.msg)
			if m.mode != tc.mode {
				t.Errorf("mode = %v, want %v", m.mode, tc.mode)
			}
			if got := helperSummary(m); got != tc.helpers {
				t.Errorf("helpers = %q, want %q", got, tc.helpers)
			}
			if m.seeded != tc.seeded {
				t.Errorf("seeded = %v, want %v", m.seeded, tc.seeded)
			}
			tables := 0
			if m.memo != nil {
				tables = len(m.memo.tables)
			}
			if tables != tc.memo {
				t.Errorf("%d memo tables, want %d", tables, tc.memo)
			}
		})
	}
}

func TestPlanSteps(t *testing.T) {
	p, errs := planDir(t, "basic")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := messageNamed(t, p, "Order")
	if m.root.how != actInline || m.root.t.String() == "" {
		t.Fatalf("root step = %v, want inline", m.root.how)
	}
	want := map[string]action{
		"Customer": actAssign, // sendable
		"When":     actAssign, // time.Time: on the allow-list
		"Err":      actAssign, // error
		"Lines":    actInline, // a slice of structs, copied in place
		"Attrs":    actInline,
		"Fixed":    actAssign, // an array of sendable values
		"Grid":     actInline,
	}
	seen := 0
	for _, f := range m.root.fields {
		if a, ok := want[f.name]; ok {
			seen++
			if f.step.how != a {
				t.Errorf("Order.%s: %v, want %v", f.name, f.step.how, a)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d fields", seen, len(want))
	}
}

func TestPlanErrors(t *testing.T) {
	p, errs := planDir(t, "errors")
	if len(errs) == 0 {
		t.Fatal("no errors for testdata/generator/errors")
	}
	if !p.empty() && len(p.errs) == 0 {
		t.Error("errors reported outside the plan")
	}
}

func TestPlanPorts(t *testing.T) {
	p, errs := planDir(t, "port")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(p.ports) != 1 {
		t.Fatalf("%d ports, want 1", len(p.ports))
	}
	pp := p.ports[0]
	if pp.name != "Ledger" || pp.portType != "LedgerPort" || pp.callIface != "isolategenLedgerCall" {
		t.Errorf("names = %s %s %s", pp.name, pp.portType, pp.callIface)
	}
	kinds := map[string]string{}
	for _, m := range pp.methods {
		var s []string
		for _, v := range m.params {
			s = append(s, copyKindName(v.copy))
		}
		s = append(s, "->")
		for _, v := range m.results {
			s = append(s, copyKindName(v.copy))
		}
		kinds[m.fn.Name()] = strings.Join(s, " ")
	}
	for name, want := range map[string]string{
		"Add":      "assign ->",  // one-way, sendable
		"Record":   "pointer ->", // *Order: copied into a new Order
		"Get":      "assign -> pointer",
		"Snapshot": "-> value assign", // Order by value, int
	} {
		if kinds[name] != want {
			t.Errorf("Ledger.%s copies %q, want %q", name, kinds[name], want)
		}
	}
}

func copyKindName(k copyKind) string {
	return [...]string{copyAssign: "assign", copyValue: "value", copyPointer: "pointer"}[k]
}

func TestPlanInterior(t *testing.T) {
	p, errs := planDir(t, "recursive")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := messageNamed(t, p, "Interior")
	if !m.seeded {
		t.Error("Interior: the root is not seeded, but its fields can be pointed to")
	}
	roots := map[string]string{}
	var inner []string
	for _, h := range m.helpers {
		for _, path := range h.rootFields {
			roots[strings.Join(path, ".")] = h.name
		}
		// Below the root, a pointee's fields enter the memo table.
		if h.name == "copyPtrInterior" {
			s := h.elem
			for s.under != nil {
				s = s.under
			}
			for _, r := range s.interior {
				inner = append(inner, strings.Join(r.path, ".")+"/"+r.helper.seen)
			}
		}
	}
	want := map[string]string{"Struct": "copyPtrPtrInterior", "Inner.N": "copyPtrPtrInt"}
	for path, h := range want {
		if roots[path] != h {
			t.Errorf("root field %s compared in %q, want %q", path, roots[path], h)
		}
	}
	if len(roots) != len(want) {
		t.Errorf("root fields = %v, want %v", roots, want)
	}
	if got := strings.Join(inner, " "); got != "Struct/seenPtrPtrInterior Inner.N/seenPtrPtrInt" {
		t.Errorf("interior fields of a pointee = %q", got)
	}
	// A type no pointer can point into plans none.
	for _, h := range messageNamed(t, p, "Node").helpers {
		if len(h.rootFields) > 0 {
			t.Errorf("Node: helper %s compares root fields %v", h.name, h.rootFields)
		}
	}
}

func TestPlanUnchecked(t *testing.T) {
	p, errs := planDir(t, "unchecked")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, u := range p.unchecked {
		s := u.named.Obj().Name()
		if u.ptr {
			s = "*" + s
		}
		got = append(got, s)
	}
	// Registry holds a Mutex: a value receiver would copy it. Reader is an
	// interface and Hand has its method: neither gets one.
	if want := "*Registry Cache Names"; strings.Join(got, " ") != want {
		t.Errorf("marked %q, want %q", strings.Join(got, " "), want)
	}
}

func TestPlanSlabs(t *testing.T) {
	p, errs := planDir(t, "slab")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := messageNamed(t, p, "Order")
	got := map[string]string{}
	for _, f := range m.root.fields {
		var s []string
		for _, sp := range f.step.slabs {
			what := strings.Join(sp.path, ".")
			if sp.pointees {
				what = "*"
			}
			if sp.deref {
				what = "->" + what
			}
			s = append(s, sp.name+":"+what)
		}
		got[f.name] = strings.Join(s, " ")
	}
	for field, want := range map[string]string{
		// Line is a message of the package: inlined, its slices from
		// slabs, the message's slab of their element type.
		"Lines":    "slabString:Tags slabInt:Qty",
		"Products": "slabProduct:* slabString:->Tags",
		"Ptrs":     "slabProduct2:* slabString:->Tags",
		"Tags":     "", // a field: not a collection's slab
	} {
		if got[field] != want {
			t.Errorf("Order.%s slabs = %q, want %q", field, got[field], want)
		}
	}
	// One slab per element type for all the root's slices: the Tags of
	// every line, of every product (through the pointee slabs' used parts)
	// and of the order; the order's own Tags are carved from it too.
	var slabs []string
	for _, rs := range m.slabs {
		var fills []string
		for _, f := range rs.fills {
			what := strings.Join(f.path, ".")
			if f.whole != "" {
				what = f.whole
			}
			if f.field != "" {
				what += "[]." + f.field
			}
			fills = append(fills, what)
		}
		slabs = append(slabs, rs.name+"("+rs.count+"):"+strings.Join(fills, ","))
	}
	if got, want := strings.Join(slabs, " "), "slabString(nString):Lines[].Tags,allProduct[].Tags,allProduct2[].Tags,Tags slabInt(nInt):Lines[].Qty"; got != want {
		t.Errorf("Order's slabs = %q, want %q", got, want)
	}
	for _, f := range m.root.fields {
		if f.name == "Tags" && (f.step.fromSlab == nil || f.step.fromSlab.shared == nil) {
			t.Errorf("Order.Tags is not carved from the message's slab")
		}
	}
	// A copy that tracks identity keeps one allocation per value.
	p, _ = planDir(t, "recursive")
	for _, h := range messageNamed(t, p, "Node").helpers {
		if h.elem != nil && len(h.elem.slabs) > 0 {
			t.Errorf("Node: helper %s plans slabs", h.name)
		}
	}
}

// codecNames lists the types whose wire codec the plan of a message or
// port emits.
func codecNames(w *wirePlan) string {
	if w == nil {
		return ""
	}
	var s []string
	for _, c := range w.codecs {
		s = append(s, c.obj.Name())
	}
	return strings.Join(s, " ")
}

// Without the wire option the codec is best-effort: a type that can cross
// gets it, one that cannot (or that holds one that cannot) gets none and
// says why, and nothing is an error.
func TestPlanWireDefault(t *testing.T) {
	p, errs := planDir(t, "wiredefault")
	if len(errs) > 0 {
		t.Fatalf("errors without the wire option:\n%v", errs)
	}
	for _, tc := range []struct {
		msg, codecs, noWire string
	}{
		{"Point", "Point", ""},
		{"Shape", "Shape", ""},
		{"Anon", "", "Anon.Opts: struct{Retries int} cannot cross the wire: an unnamed struct"},
		{"Holder", "", "Anon.Opts: struct{Retries int} cannot cross the wire"}, // where it is blocked
		{"Tagged", "Tagged", ""},
		{"Request", "Request", ""},
	} {
		m := messageNamed(t, p, tc.msg)
		if got := codecNames(m.wire); got != tc.codecs {
			t.Errorf("%s: codecs %q, want %q", tc.msg, got, tc.codecs)
		}
		if tc.noWire == "" && m.noWire != "" || !strings.Contains(m.noWire, tc.noWire) {
			t.Errorf("%s: noWire %q, want %q", tc.msg, m.noWire, tc.noWire)
		}
	}
	ports := map[string]*portPlan{}
	for _, pp := range p.ports {
		ports[pp.name] = pp
	}
	if pp := ports["Shapes"]; pp == nil || pp.wire == nil || pp.noWire != "" || len(pp.wire.methods) != 2 || !pp.wire.argsHelper {
		t.Errorf("Shapes: want wire calls for both methods, got %+v", pp)
	}
	if pp := ports["Holders"]; pp == nil || pp.wire != nil || !strings.Contains(pp.noWire, "Anon.Opts: struct{Retries int} cannot cross") {
		t.Errorf("Holders: want no wire calls and why, got %+v", pp)
	}
}

// With the wire option the same types are errors at their positions.
func TestPlanWireStrict(t *testing.T) {
	_, errs := planDir(t, "wireerrors")
	want := []string{
		"wireerrors.go:22:2: Envelope.Anon: struct{A int} cannot cross the wire: an unnamed struct has no wire codec",
		"wireerrors.go:23:2: Envelope.Boxed: Box[int] cannot cross the wire: a generic type has no wire codec",
		"wireerrors.go:38:6: Generic: a generic message type has no wire codec: remove the wire option",
	}
	got := errs.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("errors lack %q:\n%s", w, got)
		}
	}
}
