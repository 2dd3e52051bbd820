// An implicit treap: in-order traversal of the nodes gives the text, each node
// holds one chunk and caches its subtree's byte and newline counts, and random
// priorities keep the expected height O(log n) whatever the edit pattern.
//
// Small edits change one chunk in place. Anything else splits the tree around
// the edited range and re-chunks the "seam" (the bytes left of the range in
// its chunk, the new text, the bytes right of it in its chunk, and, if that is
// still too short, a neighbouring chunk), so chunks never shrink below
// kMinChunk and the node count stays O(n / kMinChunk).
#include "server/documents/rope.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>
#include <vector>

namespace tacit::documents {

namespace detail {

struct RopeNode {
  std::string chunk;
  std::unique_ptr<RopeNode> left;
  std::unique_ptr<RopeNode> right;
  uint32_t priority = 0;
  size_t chunkNewlines = 0;
  size_t bytes = 0;     // whole subtree
  size_t newlines = 0;  // whole subtree
};

}  // namespace detail

namespace {

using detail::RopeNode;
using NodePtr = std::unique_ptr<RopeNode>;

constexpr uint64_t kRngSeed = 0x9e3779b97f4a7c15ull;

uint32_t nextPriority(uint64_t& state) {
  // splitmix64
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<uint32_t>((z ^ (z >> 31)) >> 32);
}

size_t countNewlines(std::string_view s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

size_t bytesOf(const NodePtr& n) { return n ? n->bytes : 0; }
size_t newlinesOf(const NodePtr& n) { return n ? n->newlines : 0; }

void update(RopeNode& n) {
  n.bytes = bytesOf(n.left) + n.chunk.size() + bytesOf(n.right);
  n.newlines = newlinesOf(n.left) + n.chunkNewlines + newlinesOf(n.right);
}

NodePtr makeNode(std::string chunk, uint64_t& rng) {
  auto n = std::make_unique<RopeNode>();
  n->chunk = std::move(chunk);
  n->priority = nextPriority(rng);
  n->chunkNewlines = countNewlines(n->chunk);
  update(*n);
  return n;
}

NodePtr merge(NodePtr a, NodePtr b) {
  if (!a) return b;
  if (!b) return a;
  if (a->priority >= b->priority) {
    a->right = merge(std::move(a->right), std::move(b));
    update(*a);
    return a;
  }
  b->left = merge(std::move(a), std::move(b->left));
  update(*b);
  return b;
}

// Splits into the first `offset` bytes and the rest, cutting a chunk in two
// if the offset falls inside it.
std::pair<NodePtr, NodePtr> split(NodePtr n, size_t offset, uint64_t& rng) {
  if (!n) return {};
  size_t leftBytes = bytesOf(n->left);
  if (offset <= leftBytes) {
    auto [a, b] = split(std::move(n->left), offset, rng);
    n->left = std::move(b);
    update(*n);
    return {std::move(a), std::move(n)};
  }
  size_t local = offset - leftBytes;
  if (local >= n->chunk.size()) {
    auto [a, b] = split(std::move(n->right), local - n->chunk.size(), rng);
    n->right = std::move(a);
    update(*n);
    return {std::move(n), std::move(b)};
  }
  NodePtr tail = makeNode(n->chunk.substr(local), rng);
  n->chunk.resize(local);
  n->chunkNewlines -= tail->chunkNewlines;
  NodePtr right = merge(std::move(tail), std::move(n->right));
  update(*n);
  return {std::move(n), std::move(right)};
}

// Removes the first (last) chunk of a non-empty tree and returns its text.
std::string popFirst(NodePtr& n) {
  if (n->left) {
    std::string s = popFirst(n->left);
    update(*n);
    return s;
  }
  std::string s = std::move(n->chunk);
  n = std::move(n->right);
  return s;
}

std::string popLast(NodePtr& n) {
  if (n->right) {
    std::string s = popLast(n->right);
    update(*n);
    return s;
  }
  std::string s = std::move(n->chunk);
  n = std::move(n->left);
  return s;
}

// Cuts `text` into ceil(size / kTargetChunk) near-equal chunks (so each is
// more than kTargetChunk / 2 bytes when there are two or more) and builds the
// treap over them in O(k) with the usual Cartesian-tree stack.
NodePtr build(std::string_view text, uint64_t& rng) {
  if (text.empty()) return nullptr;
  size_t k = (text.size() + Rope::kTargetChunk - 1) / Rope::kTargetChunk;
  std::vector<NodePtr> spine;  // right spine, root first
  for (size_t i = 0; i < k; ++i) {
    size_t from = text.size() * i / k;
    size_t to = text.size() * (i + 1) / k;
    NodePtr node = makeNode(std::string(text.substr(from, to - from)), rng);
    NodePtr popped;
    while (!spine.empty() && spine.back()->priority < node->priority) {
      NodePtr top = std::move(spine.back());
      spine.pop_back();
      top->right = std::move(popped);
      update(*top);
      popped = std::move(top);
    }
    node->left = std::move(popped);
    spine.push_back(std::move(node));
  }
  NodePtr popped;
  while (!spine.empty()) {
    NodePtr top = std::move(spine.back());
    spine.pop_back();
    top->right = std::move(popped);
    update(*top);
    popped = std::move(top);
  }
  return popped;
}

// Applies the edit inside a single chunk if it lies within one and the chunk
// stays within its size bounds; otherwise changes nothing and returns false.
bool editInPlace(RopeNode& n, size_t offset, size_t length, std::string_view text,
                 bool onlyChunk) {
  size_t leftBytes = bytesOf(n.left);
  if (offset < leftBytes) {
    if (!editInPlace(*n.left, offset, length, text, false)) return false;
  } else {
    size_t local = offset - leftBytes;
    size_t chunkSize = n.chunk.size();
    if (local + length <= chunkSize) {
      size_t newSize = chunkSize - length + text.size();
      if (newSize == 0 || newSize > Rope::kMaxChunk) return false;
      if (newSize < Rope::kMinChunk && !onlyChunk) return false;
      n.chunkNewlines -= countNewlines(std::string_view(n.chunk).substr(local, length));
      n.chunkNewlines += countNewlines(text);
      n.chunk.replace(local, length, text);
    } else if (local >= chunkSize && n.right) {
      if (!editInPlace(*n.right, local - chunkSize, length, text, false)) return false;
    } else {
      return false;  // the range crosses the end of this chunk
    }
  }
  update(n);
  return true;
}

// Appends the bytes of [from, to) (relative to this subtree) to `out`.
void collect(const RopeNode* n, size_t from, size_t to, std::string& out) {
  if (!n || from >= to) return;
  size_t leftBytes = bytesOf(n->left);
  size_t chunkEnd = leftBytes + n->chunk.size();
  if (from < leftBytes) collect(n->left.get(), from, std::min(to, leftBytes), out);
  size_t a = std::max(from, leftBytes);
  size_t b = std::min(to, chunkEnd);
  if (a < b) out.append(n->chunk, a - leftBytes, b - a);
  if (to > chunkEnd) collect(n->right.get(), std::max(from, chunkEnd) - chunkEnd, to - chunkEnd, out);
}

NodePtr clone(const NodePtr& n) {
  if (!n) return nullptr;
  auto copy = std::make_unique<RopeNode>();
  copy->chunk = n->chunk;
  copy->priority = n->priority;
  copy->chunkNewlines = n->chunkNewlines;
  copy->bytes = n->bytes;
  copy->newlines = n->newlines;
  copy->left = clone(n->left);
  copy->right = clone(n->right);
  return copy;
}

size_t countChunks(const RopeNode* n) {
  return n ? 1 + countChunks(n->left.get()) + countChunks(n->right.get()) : 0;
}

size_t heightOf(const RopeNode* n) {
  return n ? 1 + std::max(heightOf(n->left.get()), heightOf(n->right.get())) : 0;
}

bool checkNode(const RopeNode* n, bool severalChunks) {
  if (!n) return true;
  for (const NodePtr* child : {&n->left, &n->right}) {
    if (*child && (*child)->priority > n->priority) return false;
  }
  if (n->chunk.empty() || n->chunk.size() > Rope::kMaxChunk) return false;
  if (severalChunks && n->chunk.size() < Rope::kMinChunk) return false;
  if (n->chunkNewlines != countNewlines(n->chunk)) return false;
  if (n->bytes != bytesOf(n->left) + n->chunk.size() + bytesOf(n->right)) return false;
  if (n->newlines != newlinesOf(n->left) + n->chunkNewlines + newlinesOf(n->right)) return false;
  return checkNode(n->left.get(), severalChunks) && checkNode(n->right.get(), severalChunks);
}

}  // namespace

Rope::Rope() : rng_(kRngSeed) {}

Rope::Rope(std::string_view text) : rng_(kRngSeed) { root_ = build(text, rng_); }

Rope::Rope(const Rope& other) : root_(clone(other.root_)), rng_(other.rng_) {}

Rope& Rope::operator=(const Rope& other) {
  if (this != &other) {
    root_ = clone(other.root_);
    rng_ = other.rng_;
  }
  return *this;
}

Rope::Rope(Rope&& other) noexcept : root_(std::move(other.root_)), rng_(other.rng_) {}

Rope& Rope::operator=(Rope&& other) noexcept {
  root_ = std::move(other.root_);
  rng_ = other.rng_;
  return *this;
}

Rope::~Rope() = default;

size_t Rope::size() const { return bytesOf(root_); }

size_t Rope::lineCount() const { return newlinesOf(root_) + 1; }

size_t Rope::offsetOfNewline(size_t ordinal) const {
  const RopeNode* n = root_.get();
  size_t base = 0;
  while (n) {
    size_t leftNewlines = newlinesOf(n->left);
    if (ordinal <= leftNewlines) {
      n = n->left.get();
      continue;
    }
    ordinal -= leftNewlines;
    base += bytesOf(n->left);
    if (ordinal <= n->chunkNewlines) {
      const char* data = n->chunk.data();
      const char* end = data + n->chunk.size();
      const char* p = data;
      for (;;) {
        p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
        if (--ordinal == 0) return base + static_cast<size_t>(p - data);
        ++p;
      }
    }
    ordinal -= n->chunkNewlines;
    base += n->chunk.size();
    n = n->right.get();
  }
  assert(false && "newline ordinal out of range");
  return size();
}

size_t Rope::lineStart(size_t line) const {
  assert(line < lineCount());
  if (line == 0) return 0;
  if (line >= lineCount()) return size();
  return offsetOfNewline(line) + 1;
}

size_t Rope::lineEnd(size_t line) const {
  assert(line < lineCount());
  if (line + 1 >= lineCount()) return size();
  return offsetOfNewline(line + 1);
}

size_t Rope::lineAt(size_t offset) const {
  const RopeNode* n = root_.get();
  size_t line = 0;
  while (n) {
    size_t leftBytes = bytesOf(n->left);
    if (offset < leftBytes) {
      n = n->left.get();
      continue;
    }
    line += newlinesOf(n->left);
    size_t local = offset - leftBytes;
    if (local <= n->chunk.size()) {
      return line + countNewlines(std::string_view(n->chunk).substr(0, local));
    }
    line += n->chunkNewlines;
    offset = local - n->chunk.size();
    n = n->right.get();
  }
  return line;
}

std::string Rope::substr(size_t offset, size_t length) const {
  assert(offset <= size() && length <= size() - offset);
  offset = std::min(offset, size());
  length = std::min(length, size() - offset);
  std::string out;
  out.reserve(length);
  collect(root_.get(), offset, offset + length, out);
  return out;
}

std::string Rope::line(size_t line) const {
  size_t start = lineStart(line);
  return substr(start, lineEnd(line) - start);
}

std::string Rope::text() const { return substr(0, size()); }

void Rope::replace(size_t offset, size_t length, std::string_view text) {
  assert(offset <= size() && length <= size() - offset);
  offset = std::min(offset, size());
  length = std::min(length, size() - offset);
  if (length == 0 && text.empty()) return;

  if (root_ && editInPlace(*root_, offset, length, text, !root_->left && !root_->right)) return;

  auto [before, rest] = split(std::move(root_), offset, rng_);
  auto [removed, after] = split(std::move(rest), length, rng_);
  removed.reset();

  std::string head = before ? popLast(before) : std::string();
  std::string tail = after ? popFirst(after) : std::string();
  std::string seam;
  seam.reserve(head.size() + text.size() + tail.size());
  seam.append(head).append(text).append(tail);
  // Every remaining chunk is at least kMinChunk, so one more neighbour is
  // enough to make the seam long enough.
  while (seam.size() < kMinChunk && (before || after)) {
    if (before) {
      seam.insert(0, popLast(before));
    } else {
      seam.append(popFirst(after));
    }
  }
  root_ = merge(merge(std::move(before), build(seam, rng_)), std::move(after));
}

size_t Rope::chunkCount() const { return countChunks(root_.get()); }

size_t Rope::height() const { return heightOf(root_.get()); }

bool Rope::checkInvariants() const {
  return checkNode(root_.get(), chunkCount() >= 2);
}

}  // namespace tacit::documents
