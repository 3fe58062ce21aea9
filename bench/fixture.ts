/**
 * The benchmark entity, the same for every contender: a user with 8 attributes (string id, email,
 * date, number, string list, 3-field nested object, boolean, version). Each library stores it in its own
 * idiomatic layout; the data is identical.
 */
export interface UserData {
  username: string;
  email: string;
  activatedOn: Date;
  age: number;
  tags: string[];
  address: { street: string; city: string; zip: string };
  admin: boolean;
}

/** The type name / entity name every contender uses. */
export const USER_TYPE = 'user';

const ACTIVATED_ON = Date.parse('2024-05-01T12:00:00.000Z');

export function userData(index: number): UserData {
  const username = `user${String(index).padStart(5, '0')}`;
  return {
    username,
    email: `${username}@example.com`,
    activatedOn: new Date(ACTIVATED_ON + index * 60_000),
    age: 20 + (index % 50),
    tags: ['alpha', 'beta', `tag${index % 7}`],
    address: { street: `${index} Main Street`, city: 'Springfield', zip: String(10000 + index) },
    admin: index % 10 === 0,
  };
}

/** The id every single-entity operation (get, update, getOrCreate of an existing user) works on. */
export const SUBJECT = userData(0);

/** The two-field change of the "update" operation; alternates so that every call changes something. */
export function changeOf(iteration: number): { email: string; age: number } {
  return { email: `changed${iteration % 2}@example.com`, age: 30 + (iteration % 2) };
}

/**
 * The entity of the index query: an article with one secondary index, by author then creation time.
 * Every contender declares the index its own way and reads the 25 articles of one author through it.
 */
export interface ArticleData {
  articleId: string;
  authorId: string;
  createdAt: Date;
  title: string;
  words: number;
}

export const ARTICLE_TYPE = 'article';
/** The author every article belongs to, so one index query returns them all. */
export const AUTHOR = 'author1';
/** In every article's title: counting it counts the articles in a result. */
export const ARTICLE_MARKER = 'Bench article';
/** Articles per author page: what the index query reads. */
export const ARTICLE_COUNT = 25;

export function articleData(index: number): ArticleData {
  return {
    articleId: `article${String(index).padStart(5, '0')}`,
    authorId: AUTHOR,
    createdAt: new Date(ACTIVATED_ON + index * 3_600_000),
    title: `${ARTICLE_MARKER} ${index}: on single-table design`,
    words: 800 + index * 13,
  };
}

/** The entity of the keys-only index in the request counts: a player of a league, ranked by points. */
export interface PlayerData {
  name: string;
  league: string;
  points: number;
  games: number;
}

export const PLAYER_TYPE = 'player';
/** The league every player belongs to, so one index query pages through them all. */
export const LEAGUE = 'league1';

export function playerData(index: number): PlayerData {
  return { name: `player${String(index).padStart(5, '0')}`, league: LEAGUE, points: index * 10, games: index };
}

/**
 * The parent of `getWith`: a post, whose comments are child items in its partition (one item
 * collection), all read by one Query. Each library stores them in its own layout.
 */
export interface PostData {
  postId: string;
  title: string;
  createdAt: Date;
}

export interface CommentData {
  commentId: string;
  author: string;
  body: string;
  createdAt: Date;
  likes: number;
}

export const POST_TYPE = 'post';
export const COMMENT_TYPE = 'comment';
/** In the post's title and every comment's body: counting it counts the entities in a result. */
export const THREAD_MARKER = 'Bench thread';
/** Comments of the post: what getWith reads with it. */
export const COMMENT_COUNT = 25;

export const POST: PostData = { postId: 'post00001', title: `${THREAD_MARKER}: single-table design`, createdAt: new Date(ACTIVATED_ON) };

export function commentData(index: number): CommentData {
  return {
    commentId: `comment${String(index).padStart(5, '0')}`,
    author: `user${String(index % 9).padStart(5, '0')}`,
    body: `${THREAD_MARKER} comment ${index}: one Query reads the post with every comment of it.`,
    createdAt: new Date(ACTIVATED_ON + (index + 1) * 60_000),
    likes: index % 4,
  };
}
