// The report's waiting-time arithmetic (server/report): nearest-rank
// percentiles and who ends a wait. The formats and the rest are tested end to
// end through the binary (tests/report).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "server/report/report.h"

using tacit::report::percentiles;
using tacit::report::timeToAnswer;
using tacit::report::timeToFirstAck;
using tacit::store::Author;
using tacit::store::Thread;

namespace {

std::vector<int64_t> oneTo(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

const Author kAsker{"Ada", "ada@example.com"};
const Author kBob{"Bob", "bob@example.com"};
const Author kCarol{"Carol", "carol@example.com"};

Thread question() {
  Thread t;
  t.kind = tacit::store::ThreadKind::Question;
  t.author = kAsker;
  t.createdAt = 1'000'000;
  return t;
}

tacit::store::Reply reply(const Author& who, int64_t at, bool isAnswer) {
  tacit::store::Reply r;
  r.author = who;
  r.createdAt = at;
  r.isAnswer = isAnswer;
  return r;
}

}  // namespace

TEST_CASE("percentiles are nearest rank", "[report]") {
  const auto p = [](std::vector<int64_t> v) {
    auto out = percentiles(std::move(v));
    return std::make_tuple(out.count, out.medianMillis, out.p90Millis);
  };
  CHECK(p({}) == std::make_tuple(size_t{0}, std::optional<int64_t>(), std::optional<int64_t>()));
  CHECK(p({7}) == std::make_tuple(size_t{1}, std::optional<int64_t>(7), std::optional<int64_t>(7)));
  // Two values: the median is the smaller (half of them at or below it).
  CHECK(p({30, 10}) == std::make_tuple(size_t{2}, std::optional<int64_t>(10), std::optional<int64_t>(30)));
  CHECK(p({5, 1, 3}) == std::make_tuple(size_t{3}, std::optional<int64_t>(3), std::optional<int64_t>(5)));
  // 10 values: ceil(0.5 * 10) = 5th, ceil(0.9 * 10) = 9th (exactly: no
  // floating point makes it the 10th).
  CHECK(p(oneTo(10)) == std::make_tuple(size_t{10}, std::optional<int64_t>(5), std::optional<int64_t>(9)));
  // 11 values: 6th and ceil(9.9) = 10th.
  CHECK(p(oneTo(11)) == std::make_tuple(size_t{11}, std::optional<int64_t>(6), std::optional<int64_t>(10)));
  // 20 values: 10th and 18th; 100 values: 50th and 90th; 101: 51st and 91st.
  CHECK(p(oneTo(20)) == std::make_tuple(size_t{20}, std::optional<int64_t>(10), std::optional<int64_t>(18)));
  CHECK(p(oneTo(100)) == std::make_tuple(size_t{100}, std::optional<int64_t>(50), std::optional<int64_t>(90)));
  CHECK(p(oneTo(101)) == std::make_tuple(size_t{101}, std::optional<int64_t>(51), std::optional<int64_t>(91)));
  // The order given does not matter; ties are values like any other.
  std::vector<int64_t> shuffled = oneTo(100);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  CHECK(p(shuffled) == p(oneTo(100)));
  CHECK(p({4, 4, 4, 4, 9}) == std::make_tuple(size_t{5}, std::optional<int64_t>(4), std::optional<int64_t>(9)));
}

TEST_CASE("an acknowledgement ends the wait for one only when someone else gives it", "[report]") {
  Thread t = question();
  CHECK_FALSE(timeToFirstAck(t));
  t.acks.push_back({kAsker, t.createdAt + 10});  // the asker's own: nobody else has seen it
  CHECK_FALSE(timeToFirstAck(t));
  t.acks.push_back({kCarol, t.createdAt + 900});
  t.acks.push_back({kBob, t.createdAt + 300});  // the earliest, whatever the fold order
  CHECK(timeToFirstAck(t) == 300);
  t.acks.push_back({{"Dan", "dan@example.com"}, t.createdAt - 50});  // a clock behind: no negative wait
  CHECK(timeToFirstAck(t) == 0);
}

TEST_CASE("an answer ends the wait for one only when someone else gives it", "[report]") {
  Thread t = question();
  CHECK_FALSE(timeToAnswer(t));
  t.replies.push_back(reply(kBob, t.createdAt + 100, false));  // a reply is not an answer
  CHECK_FALSE(timeToAnswer(t));
  // The asker found out alone: the question is answered (it waits no more)
  // but nobody answered it, so it is no waiting time to count.
  t.replies.push_back(reply(kAsker, t.createdAt + 200, true));
  CHECK_FALSE(timeToAnswer(t));
  t.replies.push_back(reply(kCarol, t.createdAt + 7200, true));
  t.replies.push_back(reply(kBob, t.createdAt + 3600, true));
  CHECK(timeToAnswer(t) == 3600);
  t.replies.push_back(reply(kCarol, t.createdAt - 1, true));
  CHECK(timeToAnswer(t) == 0);
}
