import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { formatDateTime, formatMoney } from '../format';
import { useSession } from '../session';
import { Check, fieldErrors, Input, listOf, SaveError, Section } from './assistant-forms';
import { useAssistantT } from './assistant.i18n';
import { useReorder } from './reorder';

type T = ReturnType<typeof useAssistantT>;

function useInvalidate(...keys: string[]) {
  const qc = useQueryClient();
  return () => Promise.all(keys.map((k) => qc.invalidateQueries({ queryKey: ['assistant', k] })));
}

/** A row of a list that opens into its edit form; in a reorderable list, dragged and moved too. */
function EditableRow({
  title,
  meta,
  canEdit,
  editForm,
  onDelete,
  t,
  drag,
  moveButtons,
}: {
  title: string;
  meta?: string;
  canEdit: boolean;
  editForm: (close: () => void) => React.ReactNode;
  onDelete?: () => void;
  t: T;
  drag?: ReturnType<ReturnType<typeof useReorder>['dragProps']>;
  moveButtons?: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <li {...drag} className={`line editable ${drag?.className ?? ''}`.trim()}>
      {canEdit && drag ? (
        <span className="drag-handle" aria-hidden="true">
          ⠿
        </span>
      ) : null}
      <span className="grow">
        <strong>{title}</strong>
        {meta ? <span className="muted small"> · {meta}</span> : null}
      </span>
      {canEdit ? (
        <span className="row-actions">
          {moveButtons}
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={t('editWhat', { what: title })}>
            {t('edit')}
          </button>
          {onDelete ? (
            <button type="button" className="danger" onClick={onDelete} aria-label={t('deleteWhat', { what: title })}>
              {t('delete')}
            </button>
          ) : null}
        </span>
      ) : null}
      {open ? <div className="edit-form">{editForm(() => setOpen(false))}</div> : null}
    </li>
  );
}

// Knowledge categories and entries -----------------------------------------------------------------

export function KnowledgeTab({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const categories = useQuery({ queryKey: ['assistant', 'categories'], queryFn: () => ok(api.GET('/api/v1/knowledge/categories')) });
  const [category, setCategory] = useState('');
  const entries = useQuery({
    queryKey: ['assistant', 'entries', category],
    queryFn: () => ok(api.GET('/api/v1/knowledge/entries', { params: { query: { limit: 200, ...(category ? { category_id: category } : {}) } } })),
  });
  const invalidate = useInvalidate('categories', 'entries');
  const order = useReorder(
    categories.data?.data ?? [],
    async (ids) => {
      try {
        return await ok(api.POST('/api/v1/knowledge/categories/reorder', { body: { ids } }));
      } finally {
        await invalidate();
      }
    },
    canEdit,
  );
  const removeCategory = useMutation({ mutationFn: (id: string) => ok(api.DELETE('/api/v1/knowledge/categories/{id}', { params: { path: { id } } })), onSettled: invalidate });
  const removeEntry = useMutation({ mutationFn: (id: string) => ok(api.DELETE('/api/v1/knowledge/entries/{id}', { params: { path: { id } } })), onSettled: invalidate });
  const cats = categories.data?.data ?? [];
  const nameOf = (id: string | null) => cats.find((c) => c.id === id)?.name ?? t('uncategorised');
  return (
    <>
      <Section title={t('categories')}>
        {categories.isPending ? <Loading /> : null}
        {canEdit && cats.length > 1 ? <p className="muted small">{t('categoriesHelp')}</p> : null}
        <ErrorNote error={categories.error ?? order.error ?? removeCategory.error} />
        {order.status}
        <ol className="plain categories">
          {order.list.map((c, i) => (
            <EditableRow
              key={c.id}
              t={t}
              {...(canEdit ? { drag: order.dragProps(c, i), moveButtons: order.moveButtons(c, i) } : {})}
              title={c.name}
              {...(c.description ? { meta: c.description } : {})}
              canEdit={canEdit}
              onDelete={() => removeCategory.mutate(c.id)}
              editForm={(close) => <CategoryForm category={c} onDone={close} />}
            />
          ))}
        </ol>
        {canEdit ? <CategoryForm /> : null}
      </Section>
      <Section
        title={t('entries')}
        actions={
          <label className="inline-select">
            <span>{t('category')}</span>
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('all')}</option>
              {cats.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        }
      >
        {entries.isPending ? <Loading /> : null}
        <ErrorNote error={entries.error ?? removeEntry.error} />
        {entries.data?.data.length === 0 ? <p className="muted">{t('noEntries')}</p> : null}
        <ul className="plain">
          {entries.data?.data.map((e) => (
            <EditableRow
              key={e.id}
              t={t}
              title={e.title}
              meta={`${nameOf(e.category_id)}${e.is_active ? '' : ` · ${t('inactive')}`}`}
              canEdit={canEdit}
              onDelete={() => removeEntry.mutate(e.id)}
              editForm={(close) => <EntryForm entry={e} categories={cats} onDone={close} />}
            />
          ))}
        </ul>
        {canEdit ? <EntryForm categories={cats} /> : null}
      </Section>
    </>
  );
}

function CategoryForm({ category, onDone }: { category?: Schemas['KnowledgeCategory']; onDone?: () => void }) {
  const t = useAssistantT();
  const invalidate = useInvalidate('categories');
  const [name, setName] = useState(category?.name ?? '');
  const [description, setDescription] = useState(category?.description ?? '');
  const save = useMutation({
    mutationFn: (): Promise<unknown> => {
      const body = { name, description: description.trim() || null };
      return category ? ok(api.PATCH('/api/v1/knowledge/categories/{id}', { params: { path: { id: category.id } }, body })) : ok(api.POST('/api/v1/knowledge/categories', { body }));
    },
    onSuccess: () => {
      void invalidate();
      if (!category) {
        setName('');
        setDescription('');
      }
      onDone?.();
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <form className="sub-form" aria-label={category ? t('editWhat', { what: category.name }) : t('addCategory')} onSubmit={submit(() => save.mutate())}>
      {category ? null : <h3>{t('addCategory')}</h3>}
      <div className="row">
        <Input label={t('name')} value={name} onChange={setName} error={errors.name} required />
        <Input label={t('description')} value={description} onChange={setDescription} error={errors.description} />
      </div>
      <SaveError error={save.error} shown={Object.keys(errors)} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {category ? t('save') : t('add')}
      </button>
    </form>
  );
}

const submit = (fn: () => void) => (e: FormEvent) => {
  e.preventDefault();
  fn();
};

function EntryForm({ entry, categories, onDone }: { entry?: Schemas['KnowledgeEntry']; categories: Schemas['KnowledgeCategory'][]; onDone?: () => void }) {
  const t = useAssistantT();
  const invalidate = useInvalidate('entries');
  const [title, setTitle] = useState(entry?.title ?? '');
  const [content, setContent] = useState(entry?.content ?? '');
  const [categoryId, setCategoryId] = useState(entry?.category_id ?? '');
  const [active, setActive] = useState(entry?.is_active ?? true);
  const save = useMutation({
    mutationFn: (): Promise<unknown> => {
      const body = { title, content, category_id: categoryId || null, is_active: active };
      return entry ? ok(api.PATCH('/api/v1/knowledge/entries/{id}', { params: { path: { id: entry.id } }, body })) : ok(api.POST('/api/v1/knowledge/entries', { body }));
    },
    onSuccess: () => {
      void invalidate();
      if (!entry) {
        setTitle('');
        setContent('');
      }
      onDone?.();
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <form className="sub-form" aria-label={entry ? t('editWhat', { what: entry.title }) : t('addEntry')} onSubmit={submit(() => save.mutate())}>
      {entry ? null : <h3>{t('addEntry')}</h3>}
      <div className="row">
        <Input label={t('entryTitle')} value={title} onChange={setTitle} error={errors.title} required />
        <label className="field">
          <span>{t('category')}</span>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">{t('uncategorised')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Input label={t('content')} type="textarea" rows={4} value={content} onChange={setContent} error={errors.content} required />
      <Check label={t('active')} checked={active} onChange={setActive} />
      <SaveError error={save.error} shown={Object.keys(errors)} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {entry ? t('save') : t('add')}
      </button>
    </form>
  );
}

// FAQs -------------------------------------------------------------------------------------------------

export function FaqsTab({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const [q, setQ] = useState('');
  const faqs = useQuery({ queryKey: ['assistant', 'faqs', q], queryFn: () => ok(api.GET('/api/v1/faqs', { params: { query: { limit: 200, ...(q.trim() ? { q: q.trim() } : {}) } } })) });
  const invalidate = useInvalidate('faqs');
  const remove = useMutation({ mutationFn: (id: string) => ok(api.DELETE('/api/v1/faqs/{id}', { params: { path: { id } } })), onSettled: invalidate });
  return (
    <Section
      title={t('faqs')}
      actions={
        <label className="inline-select">
          <span>{t('search')}</span>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
      }
    >
      {faqs.isPending ? <Loading /> : null}
      <ErrorNote error={faqs.error ?? remove.error} />
      {faqs.data?.data.length === 0 ? <p className="muted">{t('noFaqs')}</p> : null}
      <ul className="plain">
        {faqs.data?.data.map((f) => (
          <EditableRow
            key={f.id}
            t={t}
            title={f.question}
            meta={`${f.category} · ${t('used', { count: f.usage_count })}${f.is_active ? '' : ` · ${t('inactive')}`}`}
            canEdit={canEdit}
            onDelete={() => remove.mutate(f.id)}
            editForm={(close) => <FaqForm faq={f} onDone={close} />}
          />
        ))}
      </ul>
      {canEdit ? <FaqForm /> : null}
    </Section>
  );
}

export function FaqForm({ faq, onDone, initialQuestion, asked }: { faq?: Schemas['Faq']; onDone?: () => void; initialQuestion?: string; asked?: string }) {
  const t = useAssistantT();
  const invalidate = useInvalidate('faqs', 'unanswered');
  const [question, setQuestion] = useState(faq?.question ?? initialQuestion ?? '');
  const [answer, setAnswer] = useState(faq?.answer ?? '');
  const [category, setCategory] = useState(faq?.category ?? '');
  const [keywords, setKeywords] = useState(faq?.keywords.join(', ') ?? '');
  const [active, setActive] = useState(faq?.is_active ?? true);
  const save = useMutation({
    mutationFn: (): Promise<unknown> => {
      const body = { question, answer, category, keywords: listOf(keywords), is_active: active, display_order: faq?.display_order ?? 0 };
      if (faq) return ok(api.PATCH('/api/v1/faqs/{id}', { params: { path: { id: faq.id } }, body }));
      if (asked !== undefined) return ok(api.POST('/api/v1/assistant/unanswered/answer', { body: { asked, faq: body } }));
      return ok(api.POST('/api/v1/faqs', { body }));
    },
    onSuccess: () => {
      void invalidate();
      if (!faq) {
        setQuestion('');
        setAnswer('');
        setKeywords('');
      }
      onDone?.();
    },
  });
  const errors = fieldErrors(save.error, asked !== undefined ? 'body.faq.' : 'body.');
  const label = faq ? t('editWhat', { what: faq.question }) : asked !== undefined ? t('answerWith') : t('addFaq');
  return (
    <form className="sub-form" aria-label={label} onSubmit={submit(() => save.mutate())}>
      {faq ? null : <h3>{label}</h3>}
      <Input label={t('question')} value={question} onChange={setQuestion} error={errors.question} required />
      <Input label={t('answer')} type="textarea" value={answer} onChange={setAnswer} error={errors.answer} required />
      <div className="row">
        <Input label={t('faqCategory')} value={category} onChange={setCategory} error={errors.category} required />
        <Input label={t('keywords')} value={keywords} onChange={setKeywords} error={errors.keywords} hint={t('commaSeparated')} />
      </div>
      <Check label={t('active')} checked={active} onChange={setActive} />
      <SaveError error={save.error} shown={Object.keys(errors).map((k) => (asked !== undefined ? `faq.${k}` : k))} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {faq ? t('save') : asked !== undefined ? t('saveAnswer') : t('add')}
      </button>
    </form>
  );
}

// Destinations ---------------------------------------------------------------------------------------

export function DestinationsTab({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const list = useQuery({ queryKey: ['assistant', 'destinations'], queryFn: () => ok(api.GET('/api/v1/destinations', { params: { query: { limit: 200 } } })) });
  const invalidate = useInvalidate('destinations');
  const remove = useMutation({ mutationFn: (id: string) => ok(api.DELETE('/api/v1/destinations/{id}', { params: { path: { id } } })), onSettled: invalidate });
  return (
    <Section title={t('destinations')}>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error ?? remove.error} />
      {list.data?.data.length === 0 ? <p className="muted">{t('noDestinations')}</p> : null}
      <ul className="plain">
        {list.data?.data.map((d) => (
          <EditableRow
            key={d.id}
            t={t}
            title={d.university_name}
            meta={`${[d.city, d.country].filter(Boolean).join(', ')}${d.is_promoted ? ` · ${t('promoted')}` : ''}${d.programs.length ? ` · ${d.programs.join(', ')}` : ''}`}
            canEdit={canEdit}
            onDelete={() => remove.mutate(d.id)}
            editForm={(close) => <DestinationForm destination={d} onDone={close} />}
          />
        ))}
      </ul>
      {canEdit ? <DestinationForm /> : null}
    </Section>
  );
}

const numOrUndefined = (s: string) => (s.trim() === '' ? undefined : Number(s));

function DestinationForm({ destination: d, onDone }: { destination?: Schemas['Destination']; onDone?: () => void }) {
  const t = useAssistantT();
  const invalidate = useInvalidate('destinations');
  const [v, setV] = useState({
    university_name: d?.university_name ?? '',
    country: d?.country ?? '',
    city: d?.city ?? '',
    programs: d?.programs.join(', ') ?? '',
    ielts_min: d?.requirements.ielts_min?.toString() ?? '',
    gpa_min: d?.requirements.gpa_min?.toString() ?? '',
    budget_max: d?.requirements.budget_max?.toString() ?? '',
    priority: d?.priority.toString() ?? '0',
    is_promoted: d?.is_promoted ?? false,
    notes: d?.notes ?? '',
  });
  const set = (k: keyof typeof v) => (x: string | boolean) => setV({ ...v, [k]: x });
  const save = useMutation({
    mutationFn: (): Promise<unknown> => {
      const requirements = Object.fromEntries(
        Object.entries({ ...d?.requirements, ielts_min: numOrUndefined(v.ielts_min), gpa_min: numOrUndefined(v.gpa_min), budget_max: numOrUndefined(v.budget_max) }).filter(([, x]) => x !== undefined),
      );
      const body = {
        university_name: v.university_name,
        country: v.country,
        city: v.city.trim() || null,
        programs: listOf(v.programs),
        requirements,
        priority: Number(v.priority) || 0,
        is_promoted: v.is_promoted,
        notes: v.notes.trim() || null,
      };
      return d ? ok(api.PATCH('/api/v1/destinations/{id}', { params: { path: { id: d.id } }, body })) : ok(api.POST('/api/v1/destinations', { body }));
    },
    onSuccess: () => {
      void invalidate();
      onDone?.();
    },
  });
  const errors = fieldErrors(save.error);
  return (
    <form className="sub-form" aria-label={d ? t('editWhat', { what: d.university_name }) : t('addDestination')} onSubmit={submit(() => save.mutate())}>
      {d ? null : <h3>{t('addDestination')}</h3>}
      <div className="row">
        <Input label={t('university')} value={v.university_name} onChange={set('university_name')} error={errors.university_name} required />
        <Input label={t('country')} value={v.country} onChange={set('country')} error={errors.country} required />
        <Input label={t('city')} value={v.city} onChange={set('city')} error={errors.city} />
      </div>
      <Input label={t('programs')} value={v.programs} onChange={set('programs')} error={errors.programs} hint={t('commaSeparated')} />
      <div className="row">
        <Input label={t('ielts')} type="number" value={v.ielts_min} onChange={set('ielts_min')} error={errors['requirements.ielts_min']} />
        <Input label={t('gpa')} type="number" value={v.gpa_min} onChange={set('gpa_min')} error={errors['requirements.gpa_min']} />
        <Input label={t('budgetMax')} type="number" value={v.budget_max} onChange={set('budget_max')} error={errors['requirements.budget_max']} />
        <Input label={t('priority')} type="number" value={v.priority} onChange={set('priority')} error={errors.priority} />
      </div>
      <Input label={t('notes')} type="textarea" rows={2} value={v.notes} onChange={set('notes')} error={errors.notes} />
      <Check label={t('promoted')} checked={v.is_promoted} onChange={set('is_promoted')} />
      <SaveError error={save.error} shown={Object.keys(errors)} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {d ? t('save') : t('add')}
      </button>
    </form>
  );
}

// Services and service areas -------------------------------------------------------------------------

const minorDigits = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

export function ServicesTab({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const { format } = useSession();
  const list = useQuery({ queryKey: ['assistant', 'services'], queryFn: () => ok(api.GET('/api/v1/services', { params: { query: { limit: 200 } } })) });
  const price = (minor: number, currency: string) => formatMoney(minor / 10 ** minorDigits(currency), { ...format, currency });
  return (
    <>
      <Section title={t('services')}>
        {list.isPending ? <Loading /> : null}
        <ErrorNote error={list.error} />
        {list.data?.data.length === 0 ? <p className="muted">{t('noServices')}</p> : null}
        <ul className="plain">
          {list.data?.data.map((s) => (
            <EditableRow
              key={s.id}
              t={t}
              title={s.name}
              meta={`${price(s.base_price_minor, s.currency)} + ${price(s.unit_price_minor, s.currency)} / ${s.unit_name} · ${t('minutes', { count: s.duration_minutes })}${s.active ? '' : ` · ${t('inactive')}`}`}
              canEdit={canEdit}
              editForm={(close) => <ServiceForm service={s} onDone={close} />}
            />
          ))}
        </ul>
        {canEdit ? <ServiceForm /> : null}
      </Section>
      <ServiceAreas canEdit={canEdit} />
    </>
  );
}

function ServiceForm({ service: s, onDone }: { service?: Schemas['Service']; onDone?: () => void }) {
  const t = useAssistantT();
  const { format } = useSession();
  const invalidate = useInvalidate('services');
  const [v, setV] = useState({
    name: s?.name ?? '',
    description: s?.description ?? '',
    unit_name: s?.unit_name ?? 'unit',
    base_price_minor: String(s?.base_price_minor ?? 0),
    unit_price_minor: String(s?.unit_price_minor ?? 0),
    currency: s?.currency ?? format.currency,
    duration_minutes: String(s?.duration_minutes ?? 30),
    keywords: s?.keywords.join(', ') ?? '',
    active: s?.active ?? true,
  });
  const set = (k: keyof typeof v) => (x: string | boolean) => setV({ ...v, [k]: x });
  const save = useMutation({
    mutationFn: (): Promise<unknown> => {
      const body = {
        name: v.name,
        description: v.description.trim() || null,
        unit_name: v.unit_name,
        base_price_minor: Number(v.base_price_minor),
        unit_price_minor: Number(v.unit_price_minor),
        currency: v.currency,
        duration_minutes: Number(v.duration_minutes),
        keywords: listOf(v.keywords),
        active: v.active,
        display_order: s?.display_order ?? 0,
      };
      return s ? ok(api.PATCH('/api/v1/services/{id}', { params: { path: { id: s.id } }, body })) : ok(api.POST('/api/v1/services', { body }));
    },
    onSuccess: () => {
      void invalidate();
      onDone?.();
    },
  });
  const errors = fieldErrors(save.error);
  const digits = /^[A-Z]{3}$/.test(v.currency) ? minorDigits(v.currency) : 2;
  const preview = (minor: string) => (/^[A-Z]{3}$/.test(v.currency) && minor !== '' ? formatMoney(Number(minor) / 10 ** digits, { ...format, currency: v.currency }) : '');
  return (
    <form className="sub-form" aria-label={s ? t('editWhat', { what: s.name }) : t('addService')} onSubmit={submit(() => save.mutate())}>
      {s ? null : <h3>{t('addService')}</h3>}
      <div className="row">
        <Input label={t('name')} value={v.name} onChange={set('name')} error={errors.name} required />
        <Input label={t('unit')} value={v.unit_name} onChange={set('unit_name')} error={errors.unit_name} />
        <Input label={t('currency')} value={v.currency} onChange={set('currency')} error={errors.currency} />
      </div>
      <div className="row">
        <Input label={t('basePrice')} type="number" min={0} value={v.base_price_minor} onChange={set('base_price_minor')} error={errors.base_price_minor} hint={preview(v.base_price_minor)} />
        <Input label={t('unitPrice')} type="number" min={0} value={v.unit_price_minor} onChange={set('unit_price_minor')} error={errors.unit_price_minor} hint={preview(v.unit_price_minor)} />
        <Input label={t('duration')} type="number" min={1} value={v.duration_minutes} onChange={set('duration_minutes')} error={errors.duration_minutes} />
      </div>
      <Input label={t('description')} type="textarea" rows={2} value={v.description} onChange={set('description')} error={errors.description} />
      <Input label={t('keywords')} value={v.keywords} onChange={set('keywords')} error={errors.keywords} hint={t('commaSeparated')} />
      <Check label={t('active')} checked={v.active} onChange={set('active')} />
      <SaveError error={save.error} shown={Object.keys(errors)} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {s ? t('save') : t('add')}
      </button>
    </form>
  );
}

function ServiceAreas({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const areas = useQuery({ queryKey: ['assistant', 'areas'], queryFn: () => ok(api.GET('/api/v1/service-areas')) });
  const [text, setText] = useState<string | null>(null);
  const invalidate = useInvalidate('areas');
  const current = (areas.data?.data ?? []).map((a) => `${a.postal_prefix}${a.label ? ` ${a.label}` : ''}`).join('\n');
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PUT('/api/v1/service-areas', {
          body: {
            areas: (text ?? current)
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean)
              .map((l) => {
                const [prefix, ...rest] = l.split(/\s+/);
                return { postal_prefix: prefix!, label: rest.join(' ') || null };
              }),
          },
        }),
      ),
    onSuccess: () => {
      setText(null);
      void invalidate();
    },
  });
  return (
    <Section title={t('areas')}>
      <ErrorNote error={areas.error} />
      {canEdit ? (
        <form onSubmit={submit(() => save.mutate())} aria-label={t('areas')}>
          <Input label={t('areasLines')} type="textarea" rows={5} value={text ?? current} onChange={setText} hint={t('areasHint')} />
          <ErrorNote error={save.error} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('save')}
          </button>
        </form>
      ) : areas.data?.data.length ? (
        <ul>
          {areas.data.data.map((a) => (
            <li key={a.postal_prefix}>
              <strong>{a.postal_prefix}</strong> {a.label}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('noAreas')}</p>
      )}
    </Section>
  );
}

// Unanswered questions -------------------------------------------------------------------------------

export function UnansweredTab({ canEdit }: { canEdit: boolean }) {
  const t = useAssistantT();
  const { format } = useSession();
  const list = useQuery({ queryKey: ['assistant', 'unanswered'], queryFn: () => ok(api.GET('/api/v1/assistant/unanswered', { params: { query: { days: 90, limit: 100 } } })) });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Section title={t('unanswered')}>
      <p className="muted small">{t('unansweredHelp')}</p>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error} />
      {list.data?.data.length === 0 ? <p className="muted">{t('noUnanswered')}</p> : null}
      <ul className="plain">
        {list.data?.data.map((q) => (
          <li key={q.question} className="line editable unanswered">
            <span className="grow">
              <strong>{q.question}</strong>
              <span className="muted small">
                {' '}
                · {t('asked', { count: q.times_asked, people: q.contacts })} · {formatDateTime(q.last_asked_at, format)} · {q.channels.join(', ')}
              </span>
            </span>
            {canEdit ? (
              <button type="button" aria-expanded={open === q.question} onClick={() => setOpen(open === q.question ? null : q.question)}>
                {t('answerWith')}
                <span className="sr-only">: {q.question}</span>
              </button>
            ) : null}
            {open === q.question ? (
              <div className="edit-form">
                <FaqForm asked={q.question} initialQuestion={q.question} onDone={() => setOpen(null)} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </Section>
  );
}
