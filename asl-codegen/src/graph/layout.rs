//! Where the SVG drawing puts each state and edge: a layered layout (Sugiyama's scheme, in
//! small), top to bottom as the AWS console draws a workflow.
//!
//! Each scope is laid out on its own, innermost first, so a Parallel or Map state is a box as
//! large as its branches side by side. Within a scope: ranks by the longest path from the
//! start (edges that go back up, loops, are set aside and drawn around the right side);
//! edges longer than one rank pass through placeholder points, one per rank crossed; the
//! order within each rank by the barycentre of the neighbours, swept down and up; x by the
//! neighbours' centres, the gaps kept, as the average of a left-packed and a right-packed
//! placement. No step backtracks, and the long edges into one state share their placeholder
//! points, so the work grows with the states and ranks, not with their product.

use super::model::{EdgeKind, Scope, StateNode};

/// Font sizes and the spacing of the drawing, in SVG pixels.
pub const NAME_FONT: f64 = 13.0;
pub const DETAIL_FONT: f64 = 11.0;
pub const LABEL_FONT: f64 = 10.5;
const RANK_GAP: f64 = 52.0;
/// The height of a row of edge labels.
const LABEL_ROW: f64 = 16.0;
const NODE_GAP: f64 = 28.0;
const PAD: f64 = 14.0;
const HEADER: f64 = 26.0;
const DUMMY_WIDTH: f64 = 12.0;
const LOOP_SPACE: f64 = 22.0;
/// The most points a scope's long edges pass through, all edges together (see `scope_block`).
const MAX_PLACEHOLDERS: usize = 20_000;

/// The width of `text` at `font` pixels: an average glyph of 0.58 em (wide characters twice
/// that), as no font metrics are at hand; generous rather than tight.
pub fn text_width(text: &str, font: f64) -> f64 {
    text.chars().map(|c| if (c as u32) < 0x1100 { 0.58 } else { 1.1 }).sum::<f64>() * font
}

/// A laid-out rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn center_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
}

/// What a placed box stands for.
#[derive(Debug, Clone)]
pub enum Boxed<'g> {
    /// The Start or End of the top-level machine.
    Terminal(&'static str),
    State(&'g StateNode),
    /// A branch of a Parallel (`Branch 2`), or a Map's ItemProcessor.
    Scope(String),
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LineKind {
    /// Start's edge and the edges to End.
    Flow,
    Edge(EdgeKind),
    /// A Retrier: a loop on the state's right side.
    Retry,
}

/// A line through `points`: a polyline of vertical curves for edges that go down, or, with
/// `around`, one cubic curve (start, two control points, end) that goes up the right side.
#[derive(Debug, Clone)]
pub struct Line {
    pub points: Vec<(f64, f64)>,
    pub around: bool,
    pub kind: LineKind,
    /// The label and its centre (for a Retry loop, where it starts).
    pub label: Option<(String, f64, f64)>,
}

/// A scope laid out: its size, its boxes (containers before what they contain) and lines.
#[derive(Debug, Clone, Default)]
pub struct Block<'g> {
    pub w: f64,
    pub h: f64,
    pub boxes: Vec<(Rect, Boxed<'g>)>,
    pub lines: Vec<Line>,
}

impl<'g> Block<'g> {
    fn shift(&mut self, dx: f64, dy: f64) {
        for (rect, _) in &mut self.boxes {
            rect.x += dx;
            rect.y += dy;
        }
        for line in &mut self.lines {
            line.points.iter_mut().for_each(|p| *p = (p.0 + dx, p.1 + dy));
            if let Some((_, x, y)) = &mut line.label {
                *x += dx;
                *y += dy;
            }
        }
    }

    fn absorb(&mut self, mut inner: Block<'g>, dx: f64, dy: f64) {
        inner.shift(dx, dy);
        self.boxes.extend(inner.boxes);
        self.lines.extend(inner.lines);
    }
}

/// The top-level machine laid out, with Start and End.
pub fn lay_out(root: &Scope) -> Block<'_> {
    scope_block(root, true)
}

/// One vertex of a scope's layered graph.
struct Vertex<'g> {
    w: f64,
    h: f64,
    /// Room kept on the right for Retry loops and their labels.
    right: f64,
    what: Option<Boxed<'g>>,
    /// A container's laid-out scopes, side by side.
    inner: Vec<Block<'g>>,
    rank: usize,
    x: f64,
    y: f64,
}

impl Vertex<'_> {
    fn span(&self) -> f64 {
        self.w + self.right
    }
}

/// A drawn edge: its vertices, rank by rank (placeholders between), or a back edge.
struct Chain {
    vertices: Vec<usize>,
    back: bool,
    kind: LineKind,
    label: Option<String>,
}

fn scope_block(scope: &Scope, top: bool) -> Block<'_> {
    let mut vertices: Vec<Vertex> = scope.states.iter().map(state_vertex).collect();
    let mut edges: Vec<(usize, usize, LineKind, Option<String>)> =
        scope.edges.iter().map(|e| (e.from, e.to, LineKind::Edge(e.kind), e.label.clone())).collect();
    let mut start = scope.start;
    if top {
        let terminal = |name: &'static str| Vertex { w: 64.0, h: 30.0, right: 0.0, what: Some(Boxed::Terminal(name)), inner: Vec::new(), rank: 0, x: 0.0, y: 0.0 };
        start = vertices.len();
        vertices.push(terminal("Start"));
        let end = vertices.len();
        vertices.push(terminal("End"));
        edges.push((start, scope.start, LineKind::Flow, None));
        for (i, _) in scope.states.iter().enumerate().filter(|(_, s)| s.ends) {
            edges.push((i, end, LineKind::Flow, None));
        }
    }
    let (order, back) = depth_first(vertices.len(), start, &edges);
    rank(&mut vertices, &order, &edges, &back);
    let mut chains = Vec::new();
    // The long edges into one state share its placeholders, a chain of them per state: edges
    // that end at one state (Catchers of a long chain to one handler, the ends to End) would
    // otherwise take one each per rank they cross, n² for n states. The points of all the
    // edges' paths are still one per rank crossed: past MAX_PLACEHOLDERS of them (a definition
    // of thousands of states), long edges go straight to their target.
    let mut shared: std::collections::HashMap<(usize, usize), usize> = std::collections::HashMap::new();
    let mut used = 0;
    for (i, (from, to, kind, label)) in edges.into_iter().enumerate() {
        let mut path = vec![from];
        let span = vertices[to].rank.saturating_sub(vertices[from].rank + 1);
        if !back[i] && used + span <= MAX_PLACEHOLDERS {
            used += span;
            for rank in vertices[from].rank + 1..vertices[to].rank {
                let placeholder = *shared.entry((to, rank)).or_insert_with(|| {
                    vertices.push(Vertex { w: DUMMY_WIDTH, h: 0.0, right: 0.0, what: None, inner: Vec::new(), rank, x: 0.0, y: 0.0 });
                    vertices.len() - 1
                });
                path.push(placeholder);
            }
        }
        path.push(to);
        chains.push(Chain { vertices: path, back: back[i], kind, label });
    }
    let sides = neighbours(vertices.len(), &chains);
    let layers = order_layers(&vertices, &order, &sides);
    place(&mut vertices, &layers, &chains, &sides);
    assemble(vertices, &chains)
}

fn state_vertex(state: &StateNode) -> Vertex<'_> {
    let retry_label = state.retries.iter().map(|r| text_width(r, LABEL_FONT)).fold(0.0, f64::max);
    let right = if state.retries.is_empty() { 0.0 } else { LOOP_SPACE + retry_label };
    let (w, h, inner) = if state.scopes.is_empty() {
        let name = text_width(&state.name, NAME_FONT);
        let detail = state.detail.as_deref().map_or(0.0, |d| text_width(d, DETAIL_FONT));
        let h = if state.detail.is_some() { 46.0 } else { 32.0 };
        ((name.max(detail) + 28.0).max(110.0), h, Vec::new())
    } else {
        let inner: Vec<Block> = state.scopes.iter().map(|s| scope_block(s, false)).collect();
        let w = inner.iter().map(|b| b.w + 2.0 * PAD).sum::<f64>() + PAD * (inner.len() as f64 + 1.0);
        let h = inner.iter().map(|b| b.h).fold(0.0, f64::max) + HEADER + 2.0 * PAD + HEADER;
        let title = text_width(&state.name, NAME_FONT) + text_width(state.kind.type_name(), DETAIL_FONT) + 40.0;
        (w.max(title), h, inner)
    };
    Vertex { w, h, right, what: Some(Boxed::State(state)), inner, rank: 0, x: 0.0, y: 0.0 }
}

/// Preorder of the vertices from `start` (then any not reached), and which edges close a loop.
fn depth_first(n: usize, start: usize, edges: &[(usize, usize, LineKind, Option<String>)]) -> (Vec<usize>, Vec<bool>) {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, (from, _, _, _)) in edges.iter().enumerate() {
        out[*from].push(i);
    }
    // 0 unseen, 1 on the path, 2 done.
    let mut seen = vec![0u8; n];
    let mut back = vec![false; edges.len()];
    let mut order = Vec::with_capacity(n);
    let roots = std::iter::once(start).chain(0..n);
    for root in roots {
        if seen[root] != 0 {
            continue;
        }
        // An explicit stack: a chain of 20,000 states must not overflow the thread's.
        let mut stack = vec![(root, 0usize)];
        seen[root] = 1;
        order.push(root);
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            match out[v].get(*next) {
                Some(&edge) => {
                    *next += 1;
                    let to = edges[edge].1;
                    match seen[to] {
                        0 => {
                            seen[to] = 1;
                            order.push(to);
                            stack.push((to, 0));
                        }
                        1 => back[edge] = true,
                        _ => {}
                    }
                }
                None => {
                    seen[v] = 2;
                    stack.pop();
                }
            }
        }
    }
    (order, back)
}

/// Longest path from the roots along the edges that go forward.
fn rank(vertices: &mut [Vertex], preorder: &[usize], edges: &[(usize, usize, LineKind, Option<String>)], back: &[bool]) {
    let n = vertices.len();
    let mut incoming = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (_, (from, to, _, _)) in edges.iter().enumerate().filter(|(i, _)| !back[*i]) {
        incoming[*to] += 1;
        out[*from].push(*to);
    }
    // Kahn's order, seeded in preorder so that ties keep the definition's flow.
    let mut ready: std::collections::VecDeque<usize> = preorder.iter().copied().filter(|v| incoming[*v] == 0).collect();
    while let Some(v) = ready.pop_front() {
        for &to in &out[v] {
            vertices[to].rank = vertices[to].rank.max(vertices[v].rank + 1);
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.push_back(to);
            }
        }
    }
}

/// The vertices of each rank, ordered to keep edges from crossing.
fn order_layers(vertices: &[Vertex], preorder: &[usize], (up, down): &Sides) -> Vec<Vec<usize>> {
    let ranks = vertices.iter().map(|v| v.rank + 1).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    // Real vertices in preorder, placeholders after them in the order of their edges.
    let placeholders = preorder.len()..vertices.len();
    for v in preorder.iter().copied().chain(placeholders) {
        layers[vertices[v].rank].push(v);
    }
    let mut position = vec![0.0; vertices.len()];
    let number = |layers: &Vec<Vec<usize>>, position: &mut Vec<f64>| {
        for layer in layers {
            for (i, v) in layer.iter().enumerate() {
                position[*v] = i as f64;
            }
        }
    };
    number(&layers, &mut position);
    for sweep in 0..8 {
        let (range, sides): (Vec<usize>, &Vec<Vec<usize>>) = match sweep % 2 {
            0 => ((1..ranks).collect(), up),
            _ => ((0..ranks.saturating_sub(1)).rev().collect(), down),
        };
        for r in range {
            let key: Vec<(usize, f64)> = layers[r]
                .iter()
                .map(|v| {
                    let others = &sides[*v];
                    let at = match others.is_empty() {
                        true => position[*v],
                        false => others.iter().map(|o| position[*o]).sum::<f64>() / others.len() as f64,
                    };
                    (*v, at)
                })
                .collect();
            let mut sorted = key;
            sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
            layers[r] = sorted.into_iter().map(|(v, _)| v).collect();
            for (i, v) in layers[r].iter().enumerate() {
                position[*v] = i as f64;
            }
        }
    }
    layers
}

/// Each vertex's neighbours along forward chains: those a rank above, those a rank below.
/// Each vertex's neighbours a rank above and a rank below.
type Sides = (Vec<Vec<usize>>, Vec<Vec<usize>>);

fn neighbours(n: usize, chains: &[Chain]) -> Sides {
    let mut up = vec![Vec::new(); n];
    let mut down = vec![Vec::new(); n];
    for chain in chains.iter().filter(|c| !c.back) {
        for pair in chain.vertices.windows(2) {
            if pair[0] != pair[1] {
                down[pair[0]].push(pair[1]);
                up[pair[1]].push(pair[0]);
            }
        }
    }
    (up, down)
}

/// y by rank, x by the neighbours' centres with the gaps kept.
fn place(vertices: &mut [Vertex], layers: &[Vec<usize>], chains: &[Chain], (up, down): &Sides) {
    // Below a box that labelled edges leave, each label gets a row of its own.
    let mut labelled = vec![0usize; vertices.len()];
    for chain in chains.iter().filter(|c| !c.back && c.label.is_some()) {
        labelled[chain.vertices[0]] += 1;
    }
    let mut y = PAD;
    for layer in layers {
        let height = layer.iter().map(|v| vertices[*v].h).fold(0.0, f64::max);
        for v in layer {
            vertices[*v].y = y + (height - vertices[*v].h) / 2.0;
        }
        let rows = layer.iter().map(|v| labelled[*v]).max().unwrap_or(0) as f64;
        y += height + RANK_GAP.max(LABEL_ROW * rows + 2.0 * LABEL_ROW);
    }
    for layer in layers {
        let mut x = 0.0;
        for v in layer {
            vertices[*v].x = x;
            x += vertices[*v].span() + NODE_GAP;
        }
    }
    for sweep in 0..8 {
        let sides = if sweep % 2 == 0 { up } else { down };
        let order: Vec<&Vec<usize>> = if sweep % 2 == 0 { layers.iter().collect() } else { layers.iter().rev().collect() };
        for layer in order {
            let wanted: Vec<f64> = layer
                .iter()
                .map(|v| {
                    let others = &sides[*v];
                    let center = match others.is_empty() {
                        true => vertices[*v].x + vertices[*v].w / 2.0,
                        false => others.iter().map(|o| vertices[*o].x + vertices[*o].w / 2.0).sum::<f64>() / others.len() as f64,
                    };
                    center - vertices[*v].w / 2.0
                })
                .collect();
            let spans: Vec<f64> = layer.iter().map(|v| vertices[*v].span()).collect();
            for (v, x) in layer.iter().zip(packed(&wanted, &spans)) {
                vertices[*v].x = x;
            }
        }
    }
    let left = vertices.iter().map(|v| v.x).fold(f64::INFINITY, f64::min);
    for v in vertices.iter_mut() {
        v.x += PAD - left;
    }
}

/// Positions as near `wanted` as the order and gaps allow: the mean of packing from the left
/// (each at least where it wants) and from the right (each at most), both of which keep the gaps.
fn packed(wanted: &[f64], spans: &[f64]) -> Vec<f64> {
    let n = wanted.len();
    let mut left = vec![0.0; n];
    for i in 0..n {
        left[i] = if i == 0 { wanted[0] } else { wanted[i].max(left[i - 1] + spans[i - 1] + NODE_GAP) };
    }
    let mut right = vec![0.0; n];
    for i in (0..n).rev() {
        right[i] = if i == n - 1 { wanted[i] } else { wanted[i].min(right[i + 1] - spans[i] - NODE_GAP) };
    }
    left.iter().zip(&right).map(|(l, r)| (l + r) / 2.0).collect()
}

/// The block: boxes at their places (containers with their scopes inside), and the lines.
fn assemble<'g>(vertices: Vec<Vertex<'g>>, chains: &[Chain]) -> Block<'g> {
    let mut block = Block::default();
    let rects: Vec<Rect> = vertices.iter().map(|v| Rect { x: v.x, y: v.y, w: v.w, h: v.h }).collect();
    let reach: Vec<f64> = vertices.iter().map(|v| v.x + v.span()).collect();
    block.w = vertices.iter().map(|v| v.x + v.span()).fold(0.0, f64::max) + PAD;
    block.h = vertices.iter().map(|v| v.y + v.h).fold(0.0, f64::max) + PAD;
    let mut around = 0.0;
    for chain in chains {
        block.lines.push(line(chain, &rects, &reach, &mut around));
    }
    spread_ports(&mut block.lines, &rects, chains);
    for (vertex, rect) in vertices.into_iter().zip(&rects) {
        let Some(what) = vertex.what else { continue };
        if let Boxed::State(state) = &what {
            for (i, retry) in state.retries.iter().enumerate() {
                block.lines.push(retry_loop(rect, i, retry));
            }
        }
        let titles: Vec<String> = match &what {
            Boxed::State(state) => (0..vertex.inner.len()).map(|i| state.scope_title(i)).collect(),
            _ => Vec::new(),
        };
        block.boxes.push((*rect, what));
        let mut x = rect.x + PAD;
        for (inner, title) in vertex.inner.into_iter().zip(titles) {
            let frame = Rect { x, y: rect.y + HEADER + PAD, w: inner.w + 2.0 * PAD, h: rect.h - HEADER - 2.0 * PAD };
            block.boxes.push((frame, Boxed::Scope(title)));
            let (dx, dy) = (frame.x + PAD, frame.y + HEADER);
            x += frame.w + PAD;
            block.absorb(inner, dx, dy);
        }
    }
    // Loops and labels may reach past the boxes, on the left too.
    let leftmost = block.lines.iter().flat_map(|l| {
        let label = l.label.iter().map(|(text, x, _)| match l.kind {
            LineKind::Retry => *x,
            _ => x - text_width(text, LABEL_FONT) / 2.0,
        });
        l.points.iter().map(|p| p.0).chain(label).collect::<Vec<_>>()
    });
    let leftmost = leftmost.fold(PAD, f64::min);
    if leftmost < PAD {
        block.shift(PAD - leftmost, 0.0);
        block.w += PAD - leftmost;
    }
    for line in &block.lines {
        let points = line.points.iter().map(|p| p.0);
        let label = line.label.iter().map(|(text, x, _)| x + text_width(text, LABEL_FONT));
        block.w = points.chain(label).map(|x| x + PAD).fold(block.w, f64::max);
    }
    block
}

/// Edges that leave (or enter) one box start (or end) at points spread along its bottom (top),
/// in the order of where they go, so they neither overlap nor cross at the box.
fn spread_ports(lines: &mut [Line], rects: &[Rect], chains: &[Chain]) {
    let mut leaving: Vec<Vec<usize>> = vec![Vec::new(); rects.len()];
    let mut entering: Vec<Vec<usize>> = vec![Vec::new(); rects.len()];
    for (i, chain) in chains.iter().enumerate().filter(|(_, c)| !c.back) {
        leaving[chain.vertices[0]].push(i);
        entering[chain.vertices[chain.vertices.len() - 1]].push(i);
    }
    let spread = |lines: &mut [Line], ends: &[usize], rect: &Rect, first: bool| {
        let toward = |line: &Line| if first { line.points[1].0 } else { line.points[line.points.len() - 2].0 };
        let mut order = ends.to_vec();
        order.sort_by(|a, b| toward(&lines[*a]).total_cmp(&toward(&lines[*b])));
        let n = order.len() as f64;
        for (k, i) in order.into_iter().enumerate() {
            let x = rect.x + rect.w * (k as f64 + 1.0) / (n + 1.0);
            let line = &mut lines[i];
            let at = if first { 0 } else { line.points.len() - 1 };
            line.points[at].0 = x;
        }
    };
    for (v, rect) in rects.iter().enumerate() {
        if leaving[v].len() > 1 {
            spread(lines, &leaving[v], rect, true);
        }
        if entering[v].len() > 1 {
            spread(lines, &entering[v], rect, false);
        }
    }
    // The row of each label below its source box, in the order the edges leave it.
    let mut row = vec![0usize; lines.len()];
    for leaving in &leaving {
        let mut labelled: Vec<usize> = leaving.iter().copied().filter(|i| lines[*i].label.is_some()).collect();
        labelled.sort_by(|a, b| lines[*a].points[1].0.total_cmp(&lines[*b].points[1].0));
        for (k, i) in labelled.into_iter().enumerate() {
            row[i] = k;
        }
    }
    // Each label on its own edge, in a row of its own below the box the edge leaves (`place`
    // made room for the rows), where the edge's curve passes.
    for (i, line) in lines.iter_mut().enumerate() {
        if chains[i].back {
            continue;
        }
        if let Some((_, x, y)) = &mut line.label {
            let (a, b) = (line.points[0], line.points[1]);
            let at = a.1 + LABEL_ROW * (row[i] as f64 + 1.0);
            let t = ((at - a.1) / (b.1 - a.1).max(1.0)).clamp(0.0, 1.0);
            // The curve is a cubic with vertical tangents: its x at height `t` of the way.
            let along = t * t * (3.0 - 2.0 * t);
            (*x, *y) = (a.0 + (b.0 - a.0) * along, at);
        }
    }
}

/// `reach`: how far right each vertex goes, its Retry labels included.
fn line(chain: &Chain, rects: &[Rect], reach: &[f64], around: &mut f64) -> Line {
    let from = rects[chain.vertices[0]];
    let to = rects[*chain.vertices.last().unwrap_or(&0)];
    if chain.back {
        // Up the side of everything between its ends (the side its source is nearer to),
        // each loop a little further out than the last.
        *around += 14.0;
        let (top, bottom) = (to.y.min(from.y), to.y.max(from.y) + from.h);
        let between: Vec<(Rect, f64)> = rects.iter().zip(reach).filter(|(r, _)| r.y + r.h >= top && r.y <= bottom).map(|(r, x)| (*r, *x)).collect();
        let left_edge = between.iter().map(|(r, _)| r.x).fold(from.x, f64::min);
        let right_edge = between.iter().map(|(_, x)| *x).fold(from.x + from.w, f64::max);
        let leftward = from.center_x() - left_edge < right_edge - from.center_x();
        let (out, start, end) = match leftward {
            true => (left_edge - 12.0 - *around, (from.x, from.y + from.h / 2.0), (to.x, to.y + to.h / 2.0)),
            false => (right_edge + 12.0 + *around, (from.x + from.w, from.y + from.h / 2.0), (to.x + to.w, to.y + to.h / 2.0)),
        };
        // The curve's farthest point (t = ½ of the cubic) carries the label.
        let label = chain.label.clone().map(|l| (l, 0.75 * out + 0.125 * (start.0 + end.0), (start.1 + end.1) / 2.0));
        return Line { points: vec![start, (out, start.1), (out, end.1), end], around: true, kind: chain.kind, label };
    }
    let mut points = vec![(from.center_x(), from.y + from.h)];
    for v in &chain.vertices[1..chain.vertices.len() - 1] {
        let r = rects[*v];
        points.push((r.center_x(), r.y));
    }
    points.push((to.center_x(), to.y));
    // Placed once the ends are spread (`spread_ports`).
    let label = chain.label.clone().map(|l| (l, 0.0, 0.0));
    Line { points, around: false, kind: chain.kind, label }
}

/// The `i`th Retrier of a state: a small loop on its right side, labelled beside it.
fn retry_loop(rect: &Rect, i: usize, label: &str) -> Line {
    let y = rect.y + rect.h / 2.0 + (i as f64) * 12.0 - 4.0;
    let x = rect.x + rect.w;
    let points = vec![(x, y - 5.0), (x + 16.0, y - 10.0), (x + 16.0, y + 10.0), (x, y + 5.0)];
    // Its x is where the text starts: the loop's side.
    let label = (label.to_string(), x + 20.0, y);
    Line { points, around: true, kind: LineKind::Retry, label: Some(label) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_keeps_order_and_gaps() {
        let placed = packed(&[0.0, 0.0, 0.0], &[10.0, 10.0, 10.0]);
        for pair in placed.windows(2) {
            assert!(pair[1] - pair[0] >= 10.0 + NODE_GAP - 1e-9, "{placed:?}");
        }
        assert_eq!(packed(&[5.0, 100.0], &[10.0, 10.0]), vec![5.0, 100.0]);
    }

    #[test]
    fn labels_fit_their_text() {
        assert!(text_width("漢字", 10.0) > text_width("ab", 10.0));
    }
}
