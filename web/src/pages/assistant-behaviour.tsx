import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { Check, fieldErrors, Input, SaveError, Section } from './assistant-forms';
import { useAssistantT } from './assistant.i18n';
import { lineDiff } from './line-diff';
import { useReorder } from './reorder';

const submit = (fn: () => void) => (e: FormEvent) => {
  e.preventDefault();
  fn();
};

// Persona ---------------------------------------------------------------------------------------------

export function PersonaSection({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const config = useQuery({ queryKey: ['assistant', 'config'], queryFn: () => ok(api.GET('/api/v1/assistant/config')) });
  return (
    <Section title={t('persona')}>
      {config.isPending ? <Loading /> : null}
      <ErrorNote error={config.error} />
      {config.data ? <PersonaForm config={config.data} canEdit={canEdit} /> : null}
    </Section>
  );
}

function PersonaForm({ config, canEdit }: { config: Schemas['AssistantConfig']; canEdit: boolean }) {
  const t = useAssistantT();
  const qc = useQueryClient();
  const [v, setV] = useState({ ...config, community_link: config.community_link ?? '' });
  const save = useMutation({
    mutationFn: () =>
      ok(api.PUT('/api/v1/assistant/config', { body: { enabled: v.enabled, bot_name: v.bot_name, greeting_style: v.greeting_style, language: v.language, tone: v.tone, community_link: v.community_link.trim() || null } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['assistant', 'config'] }),
  });
  const errors = fieldErrors(save.error);
  const id = useId();
  return (
    <form onSubmit={submit(() => save.mutate())} aria-label={t('persona')}>
      <fieldset disabled={!canEdit} className="plain-fieldset">
        <Check label={t('enabled')} checked={v.enabled} onChange={(x) => setV({ ...v, enabled: x })} />
        <div className="row">
          <Input label={t('botName')} value={v.bot_name} onChange={(x) => setV({ ...v, bot_name: x })} error={errors.bot_name} required />
          <div className="field">
            <label htmlFor={`${id}-style`}>{t('greeting')}</label>
            <select id={`${id}-style`} value={v.greeting_style} onChange={(e) => setV({ ...v, greeting_style: e.target.value as typeof v.greeting_style })}>
              {(['casual', 'formal', 'professional'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`style.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <Input label={t('language')} value={v.language} onChange={(x) => setV({ ...v, language: x })} error={errors.language} hint="id, en, es" />
        </div>
        <div className="row checks" role="group" aria-label={t('tone')}>
          <Check label={t('tone.supportive')} checked={v.tone.supportive} onChange={(x) => setV({ ...v, tone: { ...v.tone, supportive: x } })} />
          <Check label={t('tone.clear')} checked={v.tone.clear} onChange={(x) => setV({ ...v, tone: { ...v.tone, clear: x } })} />
          <Check label={t('tone.encouraging')} checked={v.tone.encouraging} onChange={(x) => setV({ ...v, tone: { ...v.tone, encouraging: x } })} />
        </div>
        <Input label={t('community')} type="url" value={v.community_link} onChange={(x) => setV({ ...v, community_link: x })} error={errors.community_link} />
        <SaveError error={save.error} shown={Object.keys(errors)} />
        {save.isSuccess ? (
          <p role="status" className="muted">
            {t('saved')}
          </p>
        ) : null}
        {canEdit ? (
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('save')}
          </button>
        ) : null}
      </fieldset>
    </form>
  );
}

// Flow stages ------------------------------------------------------------------------------------------

export function FlowStagesSection({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const qc = useQueryClient();
  const stages = useQuery({ queryKey: ['assistant', 'stages'], queryFn: () => ok(api.GET('/api/v1/assistant/flow-stages')) });
  const { list, dragProps, moveButtons, status, error } = useReorder(
    stages.data?.data ?? [],
    async (ids) => {
      try {
        return await ok(api.POST('/api/v1/assistant/flow-stages/reorder', { body: { ids } }));
      } finally {
        await qc.invalidateQueries({ queryKey: ['assistant', 'stages'] });
      }
    },
    canEdit,
  );
  const remove = useMutation({
    mutationFn: (id: string) => ok(api.DELETE('/api/v1/assistant/flow-stages/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['assistant', 'stages'] }),
  });
  return (
    <Section title={t('stages')}>
      <p className="muted small">{canEdit ? t('stagesHelp') : t('stagesRead')}</p>
      {stages.isPending ? <Loading /> : null}
      <ErrorNote error={stages.error ?? error ?? remove.error} />
      {status}
      <ol className="stages">
        {list.map((s, i) => {
          const drag = dragProps(s, i);
          return (
            <li key={s.id} {...drag} className={`stage ${drag.className}`.trim()}>
              <StageRow stage={s} index={i} canEdit={canEdit} moveButtons={moveButtons(s, i)} onDelete={() => remove.mutate(s.id)} />
            </li>
          );
        })}
      </ol>
      {canEdit ? <StageForm /> : null}
    </Section>
  );
}

function StageRow({ stage: s, index, canEdit, moveButtons, onDelete }: { stage: Schemas['FlowStage']; index: number; canEdit: boolean; moveButtons: ReactNode; onDelete: () => void }) {
  const t = useAssistantT();
  const [editing, setEditing] = useState(false);
  return (
    <>
      <div className="stage-head">
        {canEdit ? (
          <span className="drag-handle" aria-hidden="true">
            ⠿
          </span>
        ) : null}
        <span className="grow">
          <strong>
            {index + 1}. {s.name}
          </strong>
          {s.is_active ? '' : <span className="muted small"> · {t('inactive')}</span>}
          <span className="block small">{s.goal}</span>
        </span>
        {canEdit ? (
          <span className="row-actions">
            {moveButtons}
            <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)} aria-label={t('editWhat', { what: s.name })}>
              {t('edit')}
            </button>
            <button type="button" className="danger" onClick={onDelete} aria-label={t('deleteWhat', { what: s.name })}>
              {t('delete')}
            </button>
          </span>
        ) : null}
      </div>
      {editing ? <StageForm stage={s} onDone={() => setEditing(false)} /> : null}
    </>
  );
}

function StageForm({ stage: s, onDone }: { stage?: Schemas['FlowStage']; onDone?: () => void }) {
  const t = useAssistantT();
  const qc = useQueryClient();
  const [v, setV] = useState({ name: s?.name ?? '', goal: s?.goal ?? '', sample_script: s?.sample_script ?? '', exit_criteria: s?.exit_criteria ?? '', is_active: s?.is_active ?? true });
  const save = useMutation({
    mutationFn: (): Promise<unknown> => {
      const body = { name: v.name, goal: v.goal, sample_script: v.sample_script.trim() || null, exit_criteria: v.exit_criteria.trim() || null, is_active: v.is_active };
      return s ? ok(api.PATCH('/api/v1/assistant/flow-stages/{id}', { params: { path: { id: s.id } }, body })) : ok(api.POST('/api/v1/assistant/flow-stages', { body }));
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['assistant', 'stages'] });
      if (!s) setV({ name: '', goal: '', sample_script: '', exit_criteria: '', is_active: true });
      onDone?.();
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <form className="sub-form" aria-label={s ? t('editWhat', { what: s.name }) : t('addStage')} onSubmit={submit(() => save.mutate())}>
      {s ? null : <h3>{t('addStage')}</h3>}
      <Input label={t('stageName')} value={v.name} onChange={(x) => setV({ ...v, name: x })} error={errors.name} hint={t('stageNameHint')} required />
      <Input label={t('goal')} type="textarea" rows={2} value={v.goal} onChange={(x) => setV({ ...v, goal: x })} error={errors.goal} required />
      <Input label={t('script')} type="textarea" rows={2} value={v.sample_script} onChange={(x) => setV({ ...v, sample_script: x })} error={errors.sample_script} />
      <Input label={t('exit')} type="textarea" rows={2} value={v.exit_criteria} onChange={(x) => setV({ ...v, exit_criteria: x })} error={errors.exit_criteria} />
      <Check label={t('active')} checked={v.is_active} onChange={(x) => setV({ ...v, is_active: x })} />
      <SaveError error={save.error} shown={Object.keys(errors)} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {s ? t('save') : t('add')}
      </button>
    </form>
  );
}

// Scoring ----------------------------------------------------------------------------------------------

const SCORING = ['hot_threshold', 'warm_threshold', 'weight_basic', 'weight_qualification', 'weight_document', 'weight_engagement'] as const;
type ScoringField = (typeof SCORING)[number];

export function ScoringSection({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const config = useQuery({ queryKey: ['assistant', 'scoring'], queryFn: () => ok(api.GET('/api/v1/assistant/scoring-config')) });
  return (
    <Section title={t('scoring')}>
      <p className="muted small">{t('scoringHelp')}</p>
      {config.isPending ? <Loading /> : null}
      <ErrorNote error={config.error} />
      {config.data ? <ScoringForm config={config.data} canEdit={canEdit} /> : null}
    </Section>
  );
}

function ScoringForm({ config, canEdit }: { config: Schemas['ScoringConfig']; canEdit: boolean }) {
  const t = useAssistantT();
  const qc = useQueryClient();
  const [v, setV] = useState<Record<ScoringField, string>>(() => Object.fromEntries(SCORING.map((k) => [k, String(config[k])])) as Record<ScoringField, string>);
  const save = useMutation({
    mutationFn: () => ok(api.PUT('/api/v1/assistant/scoring-config', { body: Object.fromEntries(SCORING.map((k) => [k, v[k] === '' ? Number.NaN : Number(v[k])])) as Record<ScoringField, number> })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['assistant', 'scoring'] }),
  });
  const errors = fieldErrors(save.error);
  const sum = SCORING.filter((k) => k.startsWith('weight_')).reduce((n, k) => n + (Number(v[k]) || 0), 0);
  return (
    <form onSubmit={submit(() => save.mutate())} aria-label={t('scoring')} noValidate>
      <fieldset disabled={!canEdit} className="plain-fieldset">
        <div className="row">
          {SCORING.slice(0, 2).map((k) => (
            <Input key={k} label={t(`score.${k}`)} type="number" value={v[k]} onChange={(x) => setV({ ...v, [k]: x })} error={errors[k]} />
          ))}
        </div>
        <div className="row">
          {SCORING.slice(2).map((k) => (
            <Input key={k} label={t(`score.${k}`)} type="number" value={v[k]} onChange={(x) => setV({ ...v, [k]: x })} error={errors[k]} />
          ))}
        </div>
        <p className={sum === 100 ? 'muted small' : 'small warn'}>{t('weightsSum', { sum })}</p>
        <SaveError error={save.error} shown={Object.keys(errors)} />
        {save.isSuccess ? (
          <p role="status" className="muted">
            {t('saved')}
          </p>
        ) : null}
        {canEdit ? (
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('save')}
          </button>
        ) : null}
      </fieldset>
    </form>
  );
}

// System prompts ---------------------------------------------------------------------------------------

const PROMPT_TYPES = ['whatsapp', 'sms', 'webchat', 'voice'] as const;

export function PromptsSection({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const { format } = useSession();
  const qc = useQueryClient();
  const [type, setType] = useState<(typeof PROMPT_TYPES)[number]>('whatsapp');
  const prompts = useQuery({ queryKey: ['assistant', 'prompts'], queryFn: () => ok(api.GET('/api/v1/system-prompts', { params: { query: { include_inactive: 'true' } } })) });
  const versions = (prompts.data?.data ?? []).filter((p) => p.prompt_type === type);
  const active = versions.find((p) => p.is_active);
  const [fromId, setFromId] = useState('');
  const [toId, setToId] = useState('');
  const from = versions.find((p) => p.id === fromId) ?? versions.find((p) => !p.is_active);
  const to = versions.find((p) => p.id === toId) ?? active;
  const [draft, setDraft] = useState<string | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: ['assistant', 'prompts'] });
  const activate = useMutation({ mutationFn: (id: string) => ok(api.POST('/api/v1/system-prompts/{id}/activate', { params: { path: { id } } })), onSuccess: invalidate });
  const create = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/system-prompts', { body: { prompt_type: type, system_prompt: draft ?? active?.system_prompt ?? '' } })),
    onSuccess: () => {
      setDraft(null);
      void invalidate();
    },
  });
  const errors = fieldErrors(create.error);
  const id = useId();
  const label = (p: Schemas['SystemPrompt']) => `${p.prompt_version}${p.is_active ? ` (${t('activeNow')})` : ''} · ${formatDateTime(p.created_at, format)}`;
  return (
    <Section
      title={t('prompts')}
      actions={
        <label className="inline-select">
          <span>{t('channel')}</span>
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value as typeof type);
              setFromId('');
              setToId('');
              setDraft(null);
            }}
          >
            {PROMPT_TYPES.map((p) => (
              <option key={p} value={p}>
                {t(`channel.${p}`)}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {prompts.isPending ? <Loading /> : null}
      <ErrorNote error={prompts.error ?? activate.error} />
      {versions.length === 0 && !prompts.isPending ? <p className="muted">{t('noPrompts')}</p> : null}
      <ul className="plain">
        {versions.map((p) => (
          <li key={p.id} className="line">
            <span>
              <strong>{p.prompt_version}</strong> <span className="muted small">{formatDateTime(p.created_at, format)}</span>
              {p.is_active ? <span className="badge active-badge">{t('activeNow')}</span> : null}
            </span>
            {canEdit && !p.is_active ? (
              <button type="button" onClick={() => activate.mutate(p.id)} disabled={activate.isPending}>
                {t('rollback')}
                <span className="sr-only">: {p.prompt_version}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {versions.length > 1 ? (
        <div className="diff-box">
          <h3>{t('compare')}</h3>
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-from`}>{t('older')}</label>
              <select id={`${id}-from`} value={from?.id ?? ''} onChange={(e) => setFromId(e.target.value)}>
                {versions.map((p) => (
                  <option key={p.id} value={p.id}>
                    {label(p)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-to`}>{t('newer')}</label>
              <select id={`${id}-to`} value={to?.id ?? ''} onChange={(e) => setToId(e.target.value)}>
                {versions.map((p) => (
                  <option key={p.id} value={p.id}>
                    {label(p)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {from && to ? <Diff before={from.system_prompt} after={to.system_prompt} /> : null}
        </div>
      ) : null}
      {canEdit ? (
        <form className="sub-form" onSubmit={submit(() => create.mutate())} aria-label={t('newVersion')}>
          <h3>{t('newVersion')}</h3>
          <Input label={t('promptText')} type="textarea" rows={8} value={draft ?? active?.system_prompt ?? ''} onChange={setDraft} error={errors.system_prompt} required />
          <SaveError error={create.error} shown={Object.keys(errors)} />
          <button type="submit" className="primary" disabled={create.isPending || draft === null}>
            {t('saveVersion')}
          </button>
        </form>
      ) : null}
    </Section>
  );
}

function Diff({ before, after }: { before: string; after: string }) {
  const t = useAssistantT();
  const lines = lineDiff(before, after);
  const changed = lines.filter((l) => l.kind !== 'same').length;
  return (
    <>
      <p className="small muted">{changed ? t('diffCount', { added: lines.filter((l) => l.kind === 'added').length, removed: lines.filter((l) => l.kind === 'removed').length }) : t('diffSame')}</p>
      <pre className="diff" aria-label={t('compare')} tabIndex={0}>
        {lines.map((l, i) => (
          <span key={i} className={`diff-${l.kind}`}>
            <span className="sr-only">{l.kind === 'added' ? t('diffAdded') : l.kind === 'removed' ? t('diffRemoved') : ''}</span>
            <span aria-hidden="true">{l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}</span>
            {l.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </>
  );
}

// Model arms ---------------------------------------------------------------------------------------------

type ArmDraft = { name: string; base_url: string; model: string; weight: string; api_key: string; builtIn: boolean };

export function ModelsSection() {
  const t = useAssistantT();
  const models = useQuery({ queryKey: ['assistant', 'models'], queryFn: () => ok(api.GET('/api/v1/assistant/models')) });
  return (
    <Section title={t('models')}>
      <p className="muted small">{t('modelsHelp')}</p>
      {models.isPending ? <Loading /> : null}
      <ErrorNote error={models.error} />
      {models.data ? <ModelsForm models={models.data} /> : null}
    </Section>
  );
}

function ModelsForm({ models }: { models: Schemas['AssistantModels'] }) {
  const t = useAssistantT();
  const qc = useQueryClient();
  const [arms, setArms] = useState<ArmDraft[]>(() =>
    models.arms.map((a) => ({ name: a.name, base_url: a.base_url ?? '', model: a.model ?? '', weight: String(a.weight), api_key: '', builtIn: a.kind === 'rule-engine' })),
  );
  const [timeout, setTimeoutMs] = useState(String(models.timeout_ms));
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PUT('/api/v1/assistant/models', {
          body: {
            timeout_ms: Number(timeout),
            arms: arms.map((a) =>
              a.builtIn
                ? { name: 'rule-engine', weight: Number(a.weight) }
                : { ...(a.name.trim() ? { name: a.name.trim() } : {}), base_url: a.base_url, model: a.model, weight: Number(a.weight), ...(a.api_key ? { api_key: a.api_key } : {}) },
            ),
          },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['assistant', 'models'] }),
  });
  const errors = fieldErrors(save.error);
  const set = (i: number, patch: Partial<ArmDraft>) => setArms(arms.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const total = arms.reduce((n, a) => n + (Number(a.weight) || 0), 0);
  return (
    <form onSubmit={submit(() => save.mutate())} aria-label={t('models')}>
      <p className="small">{t(`source.${models.source}`)}</p>
      <ul className="plain">
        {arms.map((a, i) => (
          <li key={i} className="arm">
            <fieldset>
              <legend>
                {a.builtIn ? t('builtIn') : a.name || a.model || t('newArm')} · {total ? Math.round(((Number(a.weight) || 0) / total) * 100) : 0}%
              </legend>
              <div className="row">
                {a.builtIn ? null : (
                  <>
                    <Input label={t('armName')} value={a.name} onChange={(x) => set(i, { name: x })} error={errors[`arms.${i}.name`]} />
                    <Input label={t('baseUrl')} type="url" value={a.base_url} onChange={(x) => set(i, { base_url: x })} error={errors[`arms.${i}.base_url`]} />
                    <Input label={t('model')} value={a.model} onChange={(x) => set(i, { model: x })} error={errors[`arms.${i}.model`]} />
                    <Input label={t('apiKey')} value={a.api_key} onChange={(x) => set(i, { api_key: x })} error={errors[`arms.${i}.api_key`]} hint={models.arms[i]?.has_api_key ? t('keyKept') : t('keyWriteOnly')} />
                  </>
                )}
                <Input label={t('weight')} type="number" min={0} max={1000} value={a.weight} onChange={(x) => set(i, { weight: x })} error={errors[`arms.${i}.weight`]} />
              </div>
              <button type="button" className="danger" onClick={() => setArms(arms.filter((_, j) => j !== i))} disabled={arms.length === 1}>
                {t('removeArm')}
              </button>
            </fieldset>
          </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" onClick={() => setArms([...arms, { name: '', base_url: '', model: '', weight: '0', api_key: '', builtIn: false }])}>
          {t('addArm')}
        </button>
        {arms.some((a) => a.builtIn) ? null : (
          <button type="button" onClick={() => setArms([...arms, { name: 'rule-engine', base_url: '', model: '', weight: '0', api_key: '', builtIn: true }])}>
            {t('addBuiltIn')}
          </button>
        )}
      </div>
      <Input label={t('timeout')} type="number" value={timeout} onChange={setTimeoutMs} error={errors.timeout_ms} />
      {errors.arms ? <p className="field-error">{errors.arms}</p> : null}
      <SaveError error={save.error} shown={Object.keys(errors)} />
      {save.isSuccess ? (
        <p role="status" className="muted">
          {t('saved')}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('save')}
      </button>
    </form>
  );
}
