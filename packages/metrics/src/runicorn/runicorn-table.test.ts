import { describe, expect, it } from 'vitest';
import { experimentsToRows, metricsToRows, toCSV, utils } from './runicorn-table.js';

describe('experimentsToRows', () => {
  it('puts id, project, name, status first and turns epoch seconds into dates', () => {
    const table = experimentsToRows([
      { id: 'a', status: 'finished', project: 'vision', name: 'resnet50', created_time: 1_737_720_000, best_metric_value: 91.2 },
      { id: 'b', status: 'running', project: 'nlp', name: 'bert', created_time: null, pid: 4242 },
    ]);
    expect(table.columns).toEqual(['id', 'project', 'name', 'status', 'created_time', 'best_metric_value', 'pid']);
    expect(table.rows[0]?.created_time).toEqual(new Date('2025-01-24T12:00:00.000Z'));
    expect(table.rows[1]).toEqual({ id: 'b', status: 'running', project: 'nlp', name: 'bert', created_time: null, pid: 4242 });
  });
});

describe('metricsToRows', () => {
  it('aligns curves of different lengths on step (Python took the steps of the first metric only)', () => {
    const table = metricsToRows({
      metrics: {
        loss: [
          { step: 1, value: 2.1 },
          { step: 2, value: 1.7 },
          { step: 3, value: 1.4 },
        ],
        val_acc: [{ step: 2, value: 0.61 }],
        lr: [{ step: 4, value: 0.001 }],
      },
    });
    expect(table.columns).toEqual(['step', 'loss', 'val_acc', 'lr']);
    expect(table.rows).toEqual([
      { step: 1, loss: 2.1, val_acc: null, lr: null },
      { step: 2, loss: 1.7, val_acc: 0.61, lr: null },
      { step: 3, loss: 1.4, val_acc: null, lr: null },
      { step: 4, loss: null, val_acc: null, lr: 0.001 },
    ]);
  });
});

describe('toCSV', () => {
  it('writes RFC 4180: quoted commas, quotes and line breaks, empty nulls, ISO dates, CRLF', () => {
    const csv = toCSV({
      columns: ['id', 'note', 'when', 'tags', 'missing'],
      rows: [
        { id: 1, note: 'plain', when: new Date(0), tags: ['a', 'b'], missing: null },
        { id: 2, note: 'has, comma and "quotes"\nand a break', when: undefined, tags: {}, missing: undefined },
      ],
    });
    expect(csv).toBe(
      'id,note,when,tags,missing\r\n' +
        '1,plain,1970-01-01T00:00:00.000Z,"[""a"",""b""]",\r\n' +
        '2,"has, comma and ""quotes""\nand a break",,{},\r\n',
    );
  });

  it('is also reachable as utils, like the Python module', () => {
    expect(utils.toCSV(utils.metricsToRows({ metrics: { loss: [{ step: 1, value: 0.5 }] } }))).toBe('step,loss\r\n1,0.5\r\n');
  });
});
