// A collapsible side column of the editor (palette, inspector): open, it holds its panel
// and a hide button; closed, a narrow rail with a button to bring it back.
import type { ReactNode } from 'react';

interface Props {
  side: 'left' | 'right';
  open: boolean;
  title: string;
  shortcut: string;
  onToggle(): void;
  testId: string;
  children: ReactNode;
}

export function SidePanel({ side, open, title, shortcut, onToggle, testId, children }: Props) {
  if (!open) {
    return (
      <div className={`wh-rail wh-rail--${side}`} data-testid={`${testId}-rail`}>
        <button type="button" className="wh-rail__btn" onClick={onToggle} aria-expanded={false} title={`Show the ${title.toLowerCase()} (${shortcut})`} data-testid={`${testId}-expand`}>
          <span aria-hidden="true">{side === 'left' ? '»' : '«'}</span>
          <span className="wh-rail__label">{title}</span>
        </button>
      </div>
    );
  }
  return (
    <div className={`wh-sidepanel wh-sidepanel--${side}`}>
      <button
        type="button"
        className="wh-sidepanel__collapse"
        onClick={onToggle}
        aria-expanded={true}
        aria-label={`Hide the ${title.toLowerCase()}`}
        title={`Hide the ${title.toLowerCase()} (${shortcut})`}
        data-testid={`${testId}-collapse`}
      >
        {side === 'left' ? '«' : '»'}
      </button>
      {children}
    </div>
  );
}
