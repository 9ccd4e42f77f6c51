import { prototypeNamedFields } from './prototype-named-fields.js';

describe('prototypeNamedFields', () => {
  it('names, by path, every property named after an Object.prototype method, however deep', () => {
    const body = JSON.parse('{"name":"x","toString":1,"rate_limit":{"requests":1,"valueOf":2},"items":[{"hasOwnProperty":true}]}');
    expect(prototypeNamedFields(body)).toEqual(['toString', 'rate_limit.valueOf', 'items.0.hasOwnProperty']);
  });

  it('finds none in ordinary fields, nor in values', () => {
    expect(prototypeNamedFields({ name: 'toString', rate_limit: { requests: 1, per_seconds: 1 }, tostring: 1 })).toEqual([]);
    expect(prototypeNamedFields('toString')).toEqual([]);
    expect(prototypeNamedFields(null)).toEqual([]);
  });
});
