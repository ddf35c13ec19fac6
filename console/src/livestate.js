// What the live view shows: the snapshot, then each delta applied by
// the reader rules of docs/live-demand.md. No I/O here, so Node's test runner checks it
// (console/test/livestate.test.mjs, run by tests/unit/test_console_state.py).
/** Per panel and key, the value with the highest version seen (docs/live-demand.md:
 * deltas may come out of order or twice; values are absolute). A counted
 * panel (today's, this week's) shows one period: a delta of an older period
 * (a late event) is dropped, one of a newer period (midnight passed) starts
 * the panel afresh; versions count anew in each period. */
export class LiveState {
  constructor() {
    this.panels = {};
    this.periods = {};
    this.at = null;
  }

  takeSnapshot(snapshot) {
    const panels = {};
    const periods = snapshot.periods || {};
    for (const [panel, entries] of Object.entries(snapshot.panels || {})) {
      const samePeriod = (this.periods[panel] ?? null) === (periods[panel] ?? null);
      panels[panel] = {};
      for (const [key, entry] of Object.entries(entries)) {
        const known = samePeriod && this.panels[panel] && this.panels[panel][key];
        panels[panel][key] = known && known.version > entry.version ? known : entry;
      }
    }
    this.panels = panels;
    this.periods = { ...periods };
    this.at = snapshot.at;
  }

  /** True if the delta changed what is shown. */
  apply(delta) {
    const period = delta.period ?? null;
    const shown = this.periods[delta.panel] ?? null;
    if (period !== null && shown !== null && period < shown) return false;
    if (period !== null && period !== shown) {
      this.periods[delta.panel] = period;
      this.panels[delta.panel] = {};
    }
    const panel = (this.panels[delta.panel] = this.panels[delta.panel] || {});
    const known = panel[delta.key];
    if (known && known.version >= delta.version) return false;
    panel[delta.key] = { value: delta.value, version: delta.version };
    return true;
  }

  /** [key, value] of a panel, leaving out removed entries (value null). */
  entries(panel) {
    return Object.entries(this.panels[panel] || {})
      .filter(([, entry]) => entry.value !== null && entry.value !== undefined)
      .map(([key, entry]) => [key, entry.value]);
  }

  value(panel, key, otherwise = 0) {
    const entry = (this.panels[panel] || {})[key];
    return entry && entry.value !== null ? entry.value : otherwise;
  }
}
