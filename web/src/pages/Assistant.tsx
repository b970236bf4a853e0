import { useState } from 'react';
import { linkProps } from '../router';
import { atLeast, useSession } from '../session';
import { DestinationsTab, FaqsTab, KnowledgeTab, ServicesTab, UnansweredTab } from './assistant-content';
import { FlowStagesSection, ModelsSection, PersonaSection, PromptsSection, ScoringSection } from './assistant-behaviour';
import { useAssistantT } from './assistant.i18n';
import { Playground } from './Playground';
import './assistant.css';

const TABS = ['knowledge', 'faqs', 'destinations', 'services', 'behaviour', 'scoring', 'prompts', 'models', 'unanswered'] as const;
type Tab = (typeof TABS)[number];
/** Tabs a role below admin does not get (the API refuses it the model arms). */
const ADMIN_ONLY = new Set<Tab>(['models']);

/**
 * What the assistant knows and how it behaves. Everyone in the workspace reads it; admins and
 * owners change it (as the API allows); members and up try it in the playground beside it.
 */
export function AssistantPage({ path }: { path: string }) {
  const t = useAssistantT();
  const { role } = useSession();
  const canEdit = atLeast(role, 'admin');
  const canPlay = atLeast(role, 'member');
  const tabs = TABS.filter((x) => canEdit || !ADMIN_ONLY.has(x));
  const asked = path.split('/')[2] as Tab | undefined;
  const tab: Tab = asked && tabs.includes(asked) ? asked : 'knowledge';
  const [playing, setPlaying] = useState(false);
  return (
    <div className={`assistant-page${playing ? ' with-playground' : ''}`}>
      <main id="main" className="assistant-main">
        <div className="section-head">
          <h1>{t('title')}</h1>
          {canPlay && !playing ? (
            <button type="button" className="primary" onClick={() => setPlaying(true)}>
              {t('openPlayground')}
            </button>
          ) : null}
        </div>
        {canEdit ? null : <p className="muted">{t('readOnly')}</p>}
        <nav aria-label={t('sections')} className="tabs">
          <ul>
            {tabs.map((x) => (
              <li key={x}>
                <a {...linkProps(x === 'knowledge' ? '/knowledge' : `/knowledge/${x}`)} aria-current={x === tab ? 'page' : undefined}>
                  {t(`tab.${x}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {tab === 'knowledge' ? <KnowledgeTab canEdit={canEdit} /> : null}
        {tab === 'faqs' ? <FaqsTab canEdit={canEdit} /> : null}
        {tab === 'destinations' ? <DestinationsTab canEdit={canEdit} /> : null}
        {tab === 'services' ? <ServicesTab canEdit={canEdit} /> : null}
        {tab === 'behaviour' ? (
          <>
            <PersonaSection canEdit={canEdit} />
            <FlowStagesSection canEdit={canEdit} />
          </>
        ) : null}
        {tab === 'scoring' ? <ScoringSection canEdit={canEdit} /> : null}
        {tab === 'prompts' ? <PromptsSection canEdit={canEdit} /> : null}
        {tab === 'models' && canEdit ? <ModelsSection /> : null}
        {tab === 'unanswered' ? <UnansweredTab canEdit={canEdit} /> : null}
      </main>
      {playing ? <Playground onClose={() => setPlaying(false)} /> : null}
    </div>
  );
}
