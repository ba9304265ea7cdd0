// The device panel (DESIGN.md §6): the boards Whittle knows, their state, and what they
// can run. Profiling and comparison views grow from here.
import type { ReactElement } from 'react';

export interface BoardSummary {
  id: string;
  name: string;
  host: string;
  state: string;
}

export function DevicesPanel({ boards = [] }: { boards?: BoardSummary[] }): ReactElement {
  return (
    <section className="devices-panel" aria-label="Devices">
      <h2>Boards</h2>
      {boards.length === 0 ? (
        <p className="devices-empty">No boards yet. Add one to profile models where they will run.</p>
      ) : (
        <ul className="devices-list">
          {boards.map((b) => (
            <li key={b.id} data-board-id={b.id}>
              <strong>{b.name}</strong> <span>{b.host}</span> <em>{b.state}</em>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
