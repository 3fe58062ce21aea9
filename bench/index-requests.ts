import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTRIBUTE_NAMES as ATTR, getEntityMetadata } from '../src';
import type { Constructor } from '../src/metadata/types';
import { ok } from './canned-http';
import type { CannedResponse, Responder } from './canned-http';
import { Article, OURS_TABLE, Player } from './contenders/ours';
import { ARTICLE_COUNT, articleData, AUTHOR, LEAGUE, playerData } from './fixture';
import type { Probe } from './requests';
import { queryPage } from './scenarios';

type Item = Record<string, AttributeValue>;

/** Entities per type-index Query of the reindex: ARTICLE_COUNT (25) is not a multiple, so no page ends on the last one. */
const REINDEX_PAGE_SIZE = 10;
const ARTICLE_ID = articleData(1).articleId;
const PLAYER_NAME = playerData(1).name;
const BY_AUTHOR = { index: 'byAuthor', where: { authorId: AUTHOR } } as const;

/** Answers each listed operation with its canned response; any other operation fails the probe. */
function answering(answers: Readonly<Record<string, CannedResponse>>): Responder {
  return (operation) => {
    const answer = answers[operation];
    if (!answer) throw new Error(`Unexpected ${operation} in an index probe`);
    return answer;
  };
}

function indexOf(entity: Constructor): { partitionAttribute: string; sortAttribute: string } {
  const index = getEntityMetadata(entity).indexes[0];
  if (!index) throw new Error(`${entity.name} declares no @Index`);
  return index;
}

const pick = (item: Item, names: readonly string[]): Item => Object.fromEntries(names.map((name) => [name, item[name] as AttributeValue]));
const omit = (item: Item, names: readonly string[]): Item => Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));

/** Answers Query with `pages` pages of `items` (LastEvaluatedKey on all but the last), as a listing over 1 MB reads. */
function pagedQuery(items: readonly Item[], pageSize: number, lastKeyNames: readonly string[], extra: Responder): Responder {
  let served = 0;
  return (operation, request) => {
    if (operation !== 'Query') return extra(operation, request);
    const page = items.slice(served, served + pageSize);
    served += pageSize;
    const last = page[page.length - 1] as Item;
    return queryPage(page, served < items.length ? pick(last, lastKeyNames) : undefined);
  };
}

/** Answers `pages` Select COUNT queries of `count` items each, as DynamoDB pages a count over 1 MB of items. */
function countPages(pages: number, count: number, lastKey: Item): Responder {
  let served = 0;
  return (operation) => {
    if (operation !== 'Query') throw new Error(`Unexpected ${operation} in a count`);
    served += 1;
    return ok({ Count: count, ScannedCount: count, ...(served < pages ? { LastEvaluatedKey: lastKey } : {}) });
  };
}

/** Calls on secondary indexes: queries, counts, updates and increments that touch index keys, reindex. */
export function indexProbes(articles: readonly Item[], players: readonly Item[]): Probe[] {
  const byAuthor = indexOf(Article);
  const byLeague = indexOf(Player);
  const article = articles[1] as Item;
  const player = players[1] as Item;
  const readThenUpdate = (item: Item): Responder => answering({ GetItem: ok({ Item: item }), UpdateItem: ok({ Attributes: item }) });
  const updated = answering({ UpdateItem: ok({ Attributes: article }) });
  const byAuthorKey = [ATTR.pk, ATTR.sk, byAuthor.partitionAttribute, byAuthor.sortAttribute];
  const byLeagueKey = [ATTR.pk, ATTR.sk, byLeague.partitionAttribute, byLeague.sortAttribute];
  const typeIndexKey = [ATTR.pk, ATTR.sk, ATTR.type, ATTR.uid];
  const writesKeys = answering({ UpdateItem: ok({}) });
  const withoutKeys = articles.map((item) => omit(item, [byAuthor.partitionAttribute, byAuthor.sortAttribute]));
  return [
    { call: "Article query({ index: 'byAuthor', where, limit: 25 })", canned: answering({ Query: queryPage(articles) }), onDynalite: true, run: async ({ articles: repository }) => () => repository.query({ ...BY_AUTHOR, limit: ARTICLE_COUNT }).toArray() },
    { call: "Article count({ index: 'byAuthor', where }): 2 pages canned, 1 on dynalite", canned: countPages(2, articles.length, pick(article, byAuthorKey)), onDynalite: true, run: async ({ articles: repository }) => () => repository.count(BY_AUTHOR) },
    { call: "Article query({ index: 'byAuthor', where }).first()", canned: answering({ Query: queryPage(articles.slice(0, 1)) }), onDynalite: true, run: async ({ articles: repository }) => () => repository.query(BY_AUTHOR).first() },
    {
      call: "Player query({ index: 'byLeague' (keys only), where, limit: 25 })",
      canned: answering({ Query: queryPage(players.map((item) => pick(item, byLeagueKey))), BatchGetItem: ok({ Responses: { [OURS_TABLE]: players } }) }),
      onDynalite: true,
      run: async ({ players: repository }) => () => repository.query({ index: 'byLeague', where: { league: LEAGUE }, limit: 25 }).toArray(),
    },
    { call: 'Article update(id, { authorId, createdAt }): every byAuthor key field', canned: updated, onDynalite: true, run: async ({ articles: repository }) => () => repository.update(ARTICLE_ID, { authorId: 'author2', createdAt: new Date() }) },
    { call: 'Article update(id, { authorId }): byAuthor also needs createdAt', canned: readThenUpdate(article), onDynalite: true, run: async ({ articles: repository }) => () => repository.update(ARTICLE_ID, { authorId: 'author3' }) },
    { call: 'Article update(id, { title }): no key field', canned: updated, onDynalite: true, run: async ({ articles: repository }) => () => repository.update(ARTICLE_ID, { title: 'Retitled' }) },
    { call: "Article increment(id, 'words'): no key field", canned: updated, onDynalite: true, run: async ({ articles: repository }) => () => repository.increment(ARTICLE_ID, 'words', 10) },
    { call: "Player increment(id, 'points'): byLeague sort field", canned: readThenUpdate(player), onDynalite: true, run: async ({ players: repository }) => () => repository.increment(PLAYER_NAME, 'points', 5) },
    {
      call: `em.reindex(Article, { pageSize: ${REINDEX_PAGE_SIZE} }): ${ARTICLE_COUNT} articles without byAuthor keys`,
      canned: pagedQuery(withoutKeys, REINDEX_PAGE_SIZE, typeIndexKey, writesKeys),
      onDynalite: true,
      run: async (bench) => {
        await bench.forgetArticleKeys();
        return () => bench.manager.reindex(Article, { pageSize: REINDEX_PAGE_SIZE });
      },
    },
    {
      call: `em.reindex(Article, { pageSize: ${REINDEX_PAGE_SIZE} }) again: every key in place`,
      canned: pagedQuery(articles, REINDEX_PAGE_SIZE, typeIndexKey, writesKeys),
      onDynalite: true,
      run: async (bench) => () => bench.manager.reindex(Article, { pageSize: REINDEX_PAGE_SIZE }),
    },
  ];
}
