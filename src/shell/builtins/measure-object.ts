// Measure-Object (measure): counts input objects and optionally sums, averages and finds the extremes of a property.
import { toNumber } from '../operators.ts';
import { getMember, hasProperty, toPSString } from '../values.ts';
import { switchArgument, type BuiltinCommand } from './types.ts';

export const measureObjectCommand: BuiltinCommand = {
  name: 'Measure-Object',
  aliases: ['measure'],
  synopsis: 'Calculates the count, sum, average, minimum and maximum of objects or a property.',
  parameters: [
    { name: 'Property', type: 'String[]', position: 0 },
    { name: 'Sum', type: 'SwitchParameter' },
    { name: 'Average', type: 'SwitchParameter' },
    { name: 'Maximum', type: 'SwitchParameter' },
    { name: 'Minimum', type: 'SwitchParameter' },
    { name: 'InputObject', type: 'Object' },
  ],
  async run(bound, input) {
    const items = (input ?? (bound.InputObject !== undefined ? [bound.InputObject] : [])).filter((item) => item !== null && item !== undefined);
    const properties = bound.Property === undefined ? [undefined] : (Array.isArray(bound.Property) ? bound.Property : [bound.Property]).map(toPSString);
    return properties.map((property) => {
      const values = property === undefined ? items : items.filter((item) => hasProperty(item, property)).map((item) => getMember(item, property));
      const wantsNumbers = ['Sum', 'Average', 'Maximum', 'Minimum'].some((name) => switchArgument(bound, name));
      const numbers = wantsNumbers ? values.map(toNumber) : [];
      const sum = numbers.reduce((total, value) => total + value, 0);
      // GenericMeasureInfo's properties, in PowerShell 5.1's order; unrequested statistics stay empty.
      return {
        Count: values.length,
        Average: switchArgument(bound, 'Average') && numbers.length > 0 ? sum / numbers.length : null,
        Sum: switchArgument(bound, 'Sum') ? sum : null,
        Maximum: switchArgument(bound, 'Maximum') && numbers.length > 0 ? Math.max(...numbers) : null,
        Minimum: switchArgument(bound, 'Minimum') && numbers.length > 0 ? Math.min(...numbers) : null,
        Property: property ?? null,
      };
    });
  },
};
