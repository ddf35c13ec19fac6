// The live view's reader rules (docs/live-demand.md), run with Node's own test runner
// by tests/unit/test_console_state.py.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveState } from "../src/livestate.js";

const snapshot = {
  at: "2026-12-06T02:00:00Z",
  periods: { points_today: "2026-12-06", class_seats: null },
  panels: {
    points_today: { awarded: { value: 120, version: 7 } },
    class_seats: { c1: { value: { seats_left: 5 }, version: 3 } },
  },
};

function delta(panel, key, value, version, period = null) {
  return { panel, key, value, version, period };
}

test("a newer version replaces the value; an older one or a repeat changes nothing", () => {
  const state = new LiveState();
  state.takeSnapshot(snapshot);
  assert.equal(state.apply(delta("class_seats", "c1", { seats_left: 4 }, 4)), true);
  assert.equal(state.apply(delta("class_seats", "c1", { seats_left: 5 }, 3)), false);
  assert.equal(state.apply(delta("class_seats", "c1", { seats_left: 4 }, 4)), false);
  assert.deepEqual(state.value("class_seats", "c1"), { seats_left: 4 });
});

test("a late event of yesterday does not overwrite today's figure", () => {
  const state = new LiveState();
  state.takeSnapshot(snapshot);
  assert.equal(state.apply(delta("points_today", "awarded", 999, 50, "2026-12-05")), false);
  assert.equal(state.value("points_today", "awarded"), 120);
});

test("a new day starts the panel afresh, though its versions start again at 1", () => {
  const state = new LiveState();
  state.takeSnapshot(snapshot);
  assert.equal(state.apply(delta("points_today", "awarded", 10, 1, "2026-12-07")), true);
  assert.equal(state.value("points_today", "awarded"), 10);
  assert.equal(state.periods.points_today, "2026-12-07");
  assert.equal(state.apply(delta("points_today", "awarded", 130, 8, "2026-12-06")), false);
});

test("a new snapshot keeps a newer delta of the same period, not one of another", () => {
  const state = new LiveState();
  state.takeSnapshot(snapshot);
  state.apply(delta("points_today", "awarded", 150, 9, "2026-12-06"));
  state.takeSnapshot(snapshot);
  assert.equal(state.value("points_today", "awarded"), 150);
  state.takeSnapshot({ ...snapshot, periods: { points_today: "2026-12-07" },
    panels: { points_today: { awarded: { value: 3, version: 2 } } } });
  assert.equal(state.value("points_today", "awarded"), 3);
});

test("a removed entry (value null) is not listed", () => {
  const state = new LiveState();
  state.takeSnapshot(snapshot);
  state.apply(delta("class_seats", "c1", null, 9));
  assert.deepEqual(state.entries("class_seats"), []);
});
