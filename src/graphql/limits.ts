import type { ApolloServerPlugin } from '@apollo/server';
import {
  FragmentDefinitionNode,
  getNamedType,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SelectionSetNode,
  ValueNode,
} from 'graphql';
import { DEFAULT_PAGE, MAX_PAGE } from './pagination';

/** The deepest nesting of fields an operation may have; introspection's own fields do not count. */
export const MAX_DEPTH = 12;
/**
 * What an operation may cost: each field 1, and a field with `first` (a page) as many times what
 * it selects as the page may hold. 200 users with their memberships and groups cost about 2,000;
 * a page of groups with a page of members each, and their memberships, costs far more.
 */
export const COMPLEXITY_BUDGET = 20_000;

/**
 * Fields (aliases included, fragments' merged in) one selection set may ask for: a thousand
 * aliases of one cheap field are a thousand resolver calls that cost and depth both miss.
 */
export const MAX_SELECTIONS = 100;

interface Measure {
  depth: number;
  cost: number;
  /** The most fields any one selection set below asks for. */
  widest: number;
}

/**
 * Measures an operation once its variables are known, before anything runs: one too deep or too
 * costly is refused whole, as a GraphQL validation error that says which limit it passed.
 */
export function operationLimits(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
          const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
          if (!root) return;
          const measure = measureSelections(operation.selectionSet, root, { schema, fragments, variables: request.variables ?? {} }, new Set());
          if (measure.depth > MAX_DEPTH) {
            throw refused(`the operation nests fields ${measure.depth} deep; the most allowed is ${MAX_DEPTH}`);
          }
          if (measure.widest > MAX_SELECTIONS) {
            throw refused(`a selection set asks for ${measure.widest} fields (aliases count); the most allowed is ${MAX_SELECTIONS}`);
          }
          if (measure.cost > COMPLEXITY_BUDGET) {
            throw refused(
              `the operation could cost ${measure.cost} (each field 1, a page of \`first\` items that many times what it selects); the budget is ${COMPLEXITY_BUDGET}: ask for smaller pages or fewer nested pages`,
            );
          }
        },
      };
    },
  };
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function measureSelections(selectionSet: SelectionSetNode, parent: GraphQLCompositeType, walk: Walk, spreading: Set<string>): Measure & { fields: number } {
  let depth = 0;
  let cost = 0;
  let fields = 0;
  let widest = 0;
  const add = (measure: Measure, ownLevel: boolean) => {
    depth = Math.max(depth, measure.depth + (ownLevel ? 1 : 0));
    cost += measure.cost;
    widest = Math.max(widest, measure.widest);
  };
  // A fragment's fields join the selection set it is spread into.
  const merge = (measure: Measure & { fields: number }) => {
    add(measure, false);
    fields += measure.fields;
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      fields += 1;
      // Introspection (a client's schema download) is free and may nest as deep as types do.
      if (selection.name.value.startsWith('__')) continue;
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const type = field && getNamedType(field.type);
      const below = selection.selectionSet && type && isCompositeType(type) ? measureSelections(selection.selectionSet, type, walk, spreading) : { depth: 0, cost: 0, widest: 0 };
      const pageArgument = field?.args.some((arg) => arg.name === 'first');
      const items = pageArgument ? pageSizeOf(selection.arguments?.find((arg) => arg.name.value === 'first')?.value, walk.variables) : 1;
      add({ depth: below.depth, cost: 1 + items * below.cost, widest: below.widest }, true);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) merge(measureSelections(selection.selectionSet, type, walk, spreading));
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // A fragment that spreads itself is refused by validation before this runs; the guard keeps this finite anyway.
      if (!fragment || spreading.has(name)) continue;
      const type = walk.schema.getType(fragment.typeCondition.name.value);
      if (type && isCompositeType(type)) merge(measureSelections(fragment.selectionSet, type, walk, new Set([...spreading, name])));
    }
  }
  return { depth, cost, fields, widest: Math.max(widest, fields) };
}

/**
 * The items a page may hold: its `first`, else the default page. A value past MAX_PAGE counts as
 * MAX_PAGE: the resolver refuses it with its own, more precise error.
 */
function pageSizeOf(value: ValueNode | undefined, variables: Record<string, unknown>): number {
  const given = value?.kind === Kind.INT ? Number(value.value) : value?.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
  return typeof given === 'number' && Number.isFinite(given) && given >= 0 ? Math.min(given, MAX_PAGE) : DEFAULT_PAGE;
}

function refused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}
