// Reordering a list by drag and drop or by its ↑ and ↓ buttons, the one way the assistant's
// screens do it (flow stages, knowledge categories): the new order shows at once, goes to the
// API as every id first to last, is announced to screen readers, and the moved item's button
// keeps the focus (its sibling when it reached an end).
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useAssistantT } from './assistant.i18n';

type Item = { id: string; name: string };

export function useReorder<I extends Item>(items: I[], save: (ids: string[]) => Promise<unknown>, canEdit: boolean) {
  const t = useAssistantT();
  const [order, setOrder] = useState<I[] | null>(null);
  const [announce, setAnnounce] = useState('');
  const [dragging, setDragging] = useState<string | null>(null);
  const focusAfter = useRef<string | null>(null);
  const list = order ?? items;
  const reorder = useMutation({
    mutationFn: save,
    // The list the API answers with is the truth again, moved or refused.
    onSettled: () => setOrder(null),
  });
  const move = (from: number, to: number, how: 'up' | 'down' | 'drag') => {
    if (to < 0 || to >= list.length || from === to) return;
    const next = [...list];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    setOrder(next);
    setAnnounce(t('movedTo', { name: item!.name, position: to + 1, count: next.length }));
    if (how !== 'drag') focusAfter.current = `${item!.id}-${how}`;
    reorder.mutate(next.map((s) => s.id));
  };
  useEffect(() => {
    if (!focusAfter.current) return;
    const el = document.querySelector<HTMLButtonElement>(`[data-focus-key="${focusAfter.current}"]`);
    // At the top or bottom the button just pressed is disabled: keep focus on its sibling.
    if (el && !el.disabled) el.focus();
    else document.querySelector<HTMLButtonElement>(`[data-focus-key^="${focusAfter.current.split('-').slice(0, -1).join('-')}-"]:not([disabled])`)?.focus();
    focusAfter.current = null;
  });

  /** What the list item needs to be dragged and dropped on. */
  const dragProps = (item: I, index: number) => ({
    draggable: canEdit,
    className: dragging === item.id ? 'dragging' : '',
    onDragStart: (e: DragEvent) => {
      setDragging(item.id);
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', item.id);
    },
    onDragEnd: () => setDragging(null),
    onDragOver: (e: DragEvent) => {
      if (dragging) e.preventDefault();
    },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      const from = list.findIndex((x) => x.id === (e.dataTransfer.getData('text/plain') || dragging));
      setDragging(null);
      if (from >= 0) move(from, index, 'drag');
    },
  });

  /** The item's ↑ and ↓ buttons. */
  const moveButtons = (item: I, index: number) => (
    <>
      <button type="button" data-focus-key={`${item.id}-up`} disabled={index === 0} onClick={() => move(index, index - 1, 'up')} aria-label={t('moveUp', { name: item.name })}>
        ↑
      </button>
      <button type="button" data-focus-key={`${item.id}-down`} disabled={index === list.length - 1} onClick={() => move(index, index + 1, 'down')} aria-label={t('moveDown', { name: item.name })}>
        ↓
      </button>
    </>
  );

  const status = (
    <p className="sr-only" role="status" aria-live="polite">
      {announce}
    </p>
  );
  return { list, dragProps, moveButtons, status, error: reorder.error };
}
