// The reports screen: the funnel, seed 004's daily figures, conversations and conversions by
// channel, lead temperature over time and the model comparison, each drawn with Chart.js, with
// its table and a CSV download, for a range of days in the workspace's time zone. Loaded on
// demand (App.tsx lazy-imports it), so Chart.js is not part of the first screen's JavaScript.
import { useQuery } from '@tanstack/react-query';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, ok } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { saveFile } from '../download';
import { formatMoney } from '../format';
import { atLeast, useSession } from '../session';
import { useReportsT } from './reports.i18n';
import './reports.css';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Filler, Legend, Tooltip);

type RT = ReturnType<typeof useReportsT>;
type Cell = string | number | null;

// Colours that read on white and apart from each other (also for colour-blind readers).
const BLUE = '#0b5cad';
const ORANGE = '#c2410c';
const GREEN = '#15803d';
const RED = '#b42318';
const AMBER = '#b45309';
const SKY = '#0369a1';

/** The day an instant falls on in the workspace's zone, YYYY-MM-DD. */
const dayIn = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const todayIn = (timeZone: string) => dayIn(new Date(), timeZone);
function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** RFC 4180: every field quoted when it holds a comma, quote or line break. */
export function toCsv(header: string[], rows: Cell[][]): string {
  const field = (v: Cell) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** One chart on a canvas, redrawn when its configuration changes; described for screen readers. */
function ChartCanvas({ config, summary }: { config: ChartConfiguration; summary: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const t = useReportsT();
  useEffect(() => {
    if (!ref.current) return;
    const chart = new Chart(ref.current, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart">
      <canvas ref={ref} role="img" aria-label={t('chartOf', { summary })} />
    </div>
  );
}

/** A report: title, help, its chart, its table (folded) and its CSV. */
function Report({
  id,
  title,
  help,
  query,
  header,
  rows,
  chart,
  file,
  range,
}: {
  id: string;
  title: string;
  help: string;
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  header: string[];
  rows: Cell[][] | undefined;
  chart: ReactNode;
  file: string;
  range: { from: string; to: string };
}) {
  const t = useReportsT();
  const empty = rows !== undefined && rows.length === 0;
  return (
    <section className="card report" aria-labelledby={`${id}-title`} data-report={id}>
      <div className="report-head">
        <div>
          <h2 id={`${id}-title`}>{title}</h2>
          <p className="muted small">{help}</p>
        </div>
        <button type="button" disabled={!rows || empty} onClick={() => rows && saveFile(`${file}-${range.from}-${range.to}.csv`, toCsv(header, rows))}>
          {t('csv')}
          <span className="sr-only">: {title}</span>
        </button>
      </div>
      {query.isPending ? <Loading /> : null}
      <ErrorNote error={query.error} retry={() => query.refetch()} />
      {empty ? <p className="empty">{t('empty')}</p> : null}
      {rows && !empty ? (
        <>
          {chart}
          <details>
            <summary>{t('table')}</summary>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    {header.map((h) => (
                      <th key={h} scope="col">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={i}>
                      {r.map((c, j) => (
                        <td key={j} data-label={header[j]}>
                          {c ?? '—'}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : null}
    </section>
  );
}

export function ReportsPage() {
  const t = useReportsT();
  const { role, workspaceId, format } = useSession();
  const today = todayIn(format.timeZone);
  const [range, setRange] = useState({ from: addDays(today, -29), to: today });
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(range.from) && /^\d{4}-\d{2}-\d{2}$/.test(range.to) && range.from <= range.to;
  if (!atLeast(role, 'admin')) {
    return (
      <main id="main" className="page">
        <h1>{t('title')}</h1>
        <p role="alert">{t('forbidden')}</p>
      </main>
    );
  }
  const preset = (days: number) => setRange({ from: addDays(today, -(days - 1)), to: today });
  const q = { from: range.from, to: range.to };
  return (
    <main id="main" className="page reports">
      <h1>{t('title')}</h1>
      <form className="card range" aria-label={t('range')} onSubmit={(e) => e.preventDefault()}>
        <div className="row">
          <div className="field">
            <label htmlFor="report-from">{t('from')}</label>
            <input id="report-from" type="date" value={range.from} max={range.to} onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))} />
          </div>
          <div className="field">
            <label htmlFor="report-to">{t('to')}</label>
            <input id="report-to" type="date" value={range.to} min={range.from} onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))} />
          </div>
          <div className="presets">
            <button type="button" onClick={() => preset(7)}>
              {t('last7')}
            </button>
            <button type="button" onClick={() => preset(30)}>
              {t('last30')}
            </button>
            <button type="button" onClick={() => preset(90)}>
              {t('last90')}
            </button>
          </div>
        </div>
        <p className="muted small">{t('zone', { zone: format.timeZone })}</p>
      </form>
      {valid ? <Reports ws={workspaceId} q={q} t={t} /> : null}
    </main>
  );
}

function Reports({ ws, q, t }: { ws: string; q: { from: string; to: string }; t: RT }) {
  const { format } = useSession();
  const key = (name: string) => [name, ws, q.from, q.to];
  const funnel = useQuery({ queryKey: key('funnel'), queryFn: () => ok(api.GET('/api/v1/analytics/funnel', { params: { query: q } })) });
  const daily = useQuery({ queryKey: key('daily'), queryFn: () => ok(api.GET('/api/v1/analytics/daily', { params: { query: q } })) });
  const channels = useQuery({ queryKey: key('channels'), queryFn: () => ok(api.GET('/api/v1/analytics/channels', { params: { query: q } })) });
  const temperature = useQuery({ queryKey: key('temperature'), queryFn: () => ok(api.GET('/api/v1/analytics/lead-temperature', { params: { query: q } })) });
  const models = useQuery({ queryKey: key('models'), queryFn: () => ok(api.GET('/api/v1/analytics/models', { params: { query: q } })) });

  // Stages with nobody in them still make a funnel (0 %); a funnel whose first stage is empty does not.
  const funnelRows = funnel.data ? (funnel.data.data[0]?.unique_users ? funnel.data.data.map((s) => [s.stage, s.unique_users, s.conversion_rate] as Cell[]) : []) : undefined;
  const dailyAsc = daily.data ? [...daily.data.data].reverse() : undefined;
  const channelRows = channels.data?.data.map((c) => [t(`ch.${c.channel}`), c.conversations, c.conversions, c.conversion_rate] as Cell[]);
  const anyChannel = channels.data?.data.some((c) => c.conversations + c.conversions > 0);
  const anyTemperature = temperature.data?.data.some((d) => d.hot + d.warm + d.cold > 0);

  return (
    <>
      <Report
        id="funnel"
        file="funnel"
        range={q}
        title={t('funnel')}
        help={t('funnelHelp')}
        query={funnel}
        header={[t('stage'), t('people'), `${t('rate')} (%)`]}
        rows={funnelRows}
        chart={
          funnel.data ? (
            <ChartCanvas
              summary={funnel.data.data.map((s) => `${s.stage} ${s.unique_users} (${s.conversion_rate} %)`).join(', ')}
              config={{
                type: 'bar',
                data: { labels: funnel.data.data.map((s) => s.stage), datasets: [{ label: t('people'), data: funnel.data.data.map((s) => s.unique_users), backgroundColor: BLUE }] },
                options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
              }}
            />
          ) : null
        }
      />
      <Report
        id="daily"
        file="daily"
        range={q}
        title={t('daily')}
        help={t('dailyHelp')}
        query={daily}
        header={[t('date'), t('calls'), t('successfulCalls'), t('failedCalls'), t('bookings'), t('texts'), t('cost'), `${t('rate')} (%)`]}
        rows={dailyAsc?.map((d) => [d.date, d.total_calls, d.successful_calls, d.failed_calls, d.total_bookings, d.total_sms, d.total_cost, d.conversion_rate])}
        chart={
          dailyAsc ? (
            <ChartCanvas
              summary={`${t('calls')} ${sum(dailyAsc.map((d) => d.total_calls))}, ${t('bookings')} ${sum(dailyAsc.map((d) => d.total_bookings))}, ${t('texts')} ${sum(dailyAsc.map((d) => d.total_sms))}, ${t('cost')} ${formatMoney(sum(dailyAsc.map((d) => Number(d.total_cost))), format)}`}
              config={{
                type: 'bar',
                data: {
                  labels: dailyAsc.map((d) => d.date),
                  datasets: [
                    { label: t('calls'), data: dailyAsc.map((d) => d.total_calls), backgroundColor: BLUE },
                    { label: t('bookings'), data: dailyAsc.map((d) => d.total_bookings), backgroundColor: GREEN },
                    { label: t('texts'), data: dailyAsc.map((d) => d.total_sms), backgroundColor: ORANGE },
                  ],
                },
                options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
              }}
            />
          ) : null
        }
      />
      <Report
        id="channels"
        file="channels"
        range={q}
        title={t('channels')}
        help={t('channelsHelp')}
        query={channels}
        header={[t('channel'), t('conversations'), t('conversions'), `${t('rate')} (%)`]}
        rows={anyChannel === false ? [] : channelRows}
        chart={
          channels.data ? (
            <ChartCanvas
              summary={channels.data.data.map((c) => `${t(`ch.${c.channel}`)} ${c.conversations} / ${c.conversions}`).join(', ')}
              config={{
                type: 'bar',
                data: {
                  labels: channels.data.data.map((c) => t(`ch.${c.channel}`)),
                  datasets: [
                    { label: t('conversations'), data: channels.data.data.map((c) => c.conversations), backgroundColor: SKY },
                    { label: t('conversions'), data: channels.data.data.map((c) => c.conversions), backgroundColor: GREEN },
                  ],
                },
                options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
              }}
            />
          ) : null
        }
      />
      <Report
        id="temperature"
        file="lead-temperature"
        range={q}
        title={t('temperature')}
        help={t('temperatureHelp')}
        query={temperature}
        header={[t('date'), t('hot'), t('warm'), t('cold')]}
        rows={anyTemperature === false ? [] : temperature.data?.data.map((d) => [d.date, d.hot, d.warm, d.cold])}
        chart={
          temperature.data ? (
            <ChartCanvas
              summary={(() => {
                const last = temperature.data.data.at(-1);
                return last ? `${last.date}: ${t('hot')} ${last.hot}, ${t('warm')} ${last.warm}, ${t('cold')} ${last.cold}` : '';
              })()}
              config={{
                type: 'line',
                data: {
                  labels: temperature.data.data.map((d) => d.date),
                  datasets: [
                    { label: t('hot'), data: temperature.data.data.map((d) => d.hot), borderColor: RED, backgroundColor: 'rgba(180,35,24,.25)', fill: 'origin', pointRadius: 0, stepped: true },
                    { label: t('warm'), data: temperature.data.data.map((d) => d.warm), borderColor: AMBER, backgroundColor: 'rgba(180,83,9,.25)', fill: '-1', pointRadius: 0, stepped: true },
                    { label: t('cold'), data: temperature.data.data.map((d) => d.cold), borderColor: SKY, backgroundColor: 'rgba(3,105,161,.2)', fill: '-1', pointRadius: 0, stepped: true },
                  ],
                },
                options: { scales: { y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
              }}
            />
          ) : null
        }
      />
      <Report
        id="models"
        file="model-comparison"
        range={q}
        title={t('models')}
        help={t('modelsHelp')}
        query={models}
        header={[t('model'), t('periodStart'), t('periodEnd'), t('conversations'), t('conversions'), `${t('rate')} (%)`, t('latency'), t('tokens'), t('satisfaction')]}
        rows={models.data?.data.map((p) => [p.ai_model, day(p.period_start, format.timeZone), p.period_end ? day(p.period_end, format.timeZone) : null, p.conversation_count, p.conversion_count, p.conversion_rate, p.avg_response_time_ms, p.total_tokens_used, p.satisfaction_score])}
        chart={
          models.data ? (
            <>
              <ChartCanvas
                summary={models.data.totals.map((m) => `${m.ai_model}: ${m.conversion_rate} %, ${m.conversation_count}`).join(', ')}
                config={{
                  type: 'bar',
                  data: {
                    labels: models.data.totals.map((m) => m.ai_model),
                    datasets: [
                      { label: t('conversations'), data: models.data.totals.map((m) => m.conversation_count), backgroundColor: SKY },
                      { label: t('conversions'), data: models.data.totals.map((m) => m.conversion_count), backgroundColor: GREEN },
                    ],
                  },
                  options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
                }}
              />
              <div className="table-wrap">
                <table className="totals">
                  <caption className="sr-only">{t('models')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('model')}</th>
                      <th scope="col">{t('conversations')}</th>
                      <th scope="col">{t('conversions')}</th>
                      <th scope="col">{t('rate')}</th>
                      <th scope="col">{t('latency')}</th>
                      <th scope="col">{t('tokens')}</th>
                      <th scope="col">{t('satisfaction')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {models.data.totals.map((m) => (
                      <tr key={m.ai_model}>
                        <th scope="row">{m.ai_model}</th>
                        <td data-label={t('conversations')}>{m.conversation_count}</td>
                        <td data-label={t('conversions')}>{m.conversion_count}</td>
                        <td data-label={t('rate')}>{m.conversion_rate} %</td>
                        <td data-label={t('latency')}>{m.avg_response_time_ms ?? '—'}</td>
                        <td data-label={t('tokens')}>{m.total_tokens_used}</td>
                        <td data-label={t('satisfaction')}>{m.satisfaction_score ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null
        }
      />
    </>
  );
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const day = (iso: string, timeZone: string) => dayIn(new Date(iso), timeZone);

export default ReportsPage;
