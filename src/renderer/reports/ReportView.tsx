// One report: its registered view, or the generic table when its kind has none.
// A view that throws is contained here so one broken chart never blanks the results.
import { Component, type ReactNode } from 'react';
import { GenericReport } from './GenericReport.tsx';
import { REPORT_VIEWS, type ReportViewProps } from './registry.ts';

class ReportBoundary extends Component<{ kind: string; children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    if (this.state.error) return <p className="wh-error">The “{this.props.kind}” view failed: {this.state.error.message}</p>;
    return this.props.children;
  }
}

export function ReportView(props: ReportViewProps) {
  const View = REPORT_VIEWS[props.report.kind] ?? GenericReport;
  return (
    <section className="wh-report" data-testid={`report-${props.report.kind}`}>
      <h4 className="wh-report__title">{props.report.title} <span className="wh-muted">{props.report.kind}</span></h4>
      <ReportBoundary kind={props.report.kind}>
        <View {...props} />
      </ReportBoundary>
    </section>
  );
}
