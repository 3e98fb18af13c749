import { describe, expect, it } from 'vitest';
import { normaliseLarkEvent } from './inbound.ts';

const header = (type: string) => ({ event_id: 'ev_1', event_type: type, token: 't' });
const message = (message: Record<string, unknown>, sender = 'ou_1') => ({
  schema: '2.0',
  header: header('im.message.receive_v1'),
  event: { sender: { sender_id: { open_id: sender }, sender_type: 'user' }, message },
});

describe('normaliseLarkEvent', () => {
  it('reads a p2p text message with its thread', () => {
    const result = normaliseLarkEvent(
      message({
        message_id: 'om_1',
        chat_id: 'oc_1',
        chat_type: 'p2p',
        message_type: 'text',
        thread_id: 'omt_1',
        root_id: 'om_root',
        parent_id: 'om_parent',
        content: JSON.stringify({ text: '/help' }),
      }),
      'ou_bot',
    );
    expect(result).toMatchObject({
      kind: 'message',
      inbound: {
        eventKey: 'om_1',
        chatType: 'p2p',
        text: '/help',
        threadId: 'omt_1',
        sender: { userId: 'ou_1' },
      },
    });
  });

  it('reads a post message, keeping mention placeholders, and marks the bot’s mention', () => {
    const result = normaliseLarkEvent(
      message({
        message_id: 'om_2',
        chat_id: 'oc_g',
        chat_type: 'group',
        message_type: 'post',
        content: JSON.stringify({
          title: '',
          content: [
            [
              { tag: 'at', user_id: '@_user_1' },
              { tag: 'text', text: ' /member add ' },
              { tag: 'at', user_id: '@_user_2' },
            ],
            [{ tag: 'text', text: '区商务局 联络员' }],
          ],
        }),
        mentions: [
          { key: '@_user_1', id: { open_id: 'ou_bot' }, name: '机器人' },
          { key: '@_user_2', id: { open_id: 'ou_2' }, name: '王晓明' },
        ],
      }),
      'ou_bot',
    );
    expect(result.kind).toBe('message');
    if (result.kind !== 'message') return;
    expect(result.inbound.text).toBe('@_user_1 /member add @_user_2\n区商务局 联络员');
    expect(result.inbound.mentions).toEqual([
      { key: '@_user_1', userId: 'ou_bot', name: '机器人', isBot: true },
      { key: '@_user_2', userId: 'ou_2', name: '王晓明' },
    ]);
  });

  it('ignores a group message that does not mention the bot, and messages from other bots', () => {
    const group = message({
      message_id: 'om_3',
      chat_id: 'oc_g',
      chat_type: 'group',
      message_type: 'text',
      content: '{"text":"hi"}',
    });
    expect(normaliseLarkEvent(group, 'ou_bot').kind).toBe('ignored');
    const fromApp = {
      ...group,
      event: { ...group.event, sender: { sender_id: { open_id: 'ou_x' }, sender_type: 'app' } },
    };
    expect(normaliseLarkEvent(fromApp, 'ou_bot').kind).toBe('ignored');
  });

  it('keeps a file message with its file key', () => {
    const result = normaliseLarkEvent(
      message({
        message_id: 'om_4',
        chat_id: 'oc_1',
        chat_type: 'p2p',
        message_type: 'file',
        content: JSON.stringify({ file_key: 'file_v2_abc', file_name: '名录库.xlsx' }),
      }),
      'ou_bot',
    );
    expect(result).toMatchObject({
      kind: 'file',
      fileKey: 'file_v2_abc',
      fileName: '名录库.xlsx',
      messageId: 'om_4',
    });
  });

  it('reads a card action with its form, turning date pickers into plain dates', () => {
    const result = normaliseLarkEvent(
      {
        schema: '2.0',
        header: header('card.action.trigger'),
        event: {
          operator: { open_id: 'ou_1' },
          action: {
            tag: 'button',
            value: { cmd: 'plan', action: 'submit' },
            form_value: { due: '2026-12-01 +0800', name: 'x' },
          },
          context: { open_message_id: 'om_card', open_chat_id: 'oc_1' },
        },
      },
      'ou_bot',
    );
    expect(result).toMatchObject({
      kind: 'action',
      inbound: {
        eventKey: 'ev_1',
        messageId: 'om_card',
        chatId: 'oc_1',
        form: { due: '2026-12-01', name: 'x' },
      },
    });
  });

  it('turns a bot menu click into the command it names, answered in the user’s direct chat', () => {
    const result = normaliseLarkEvent(
      {
        schema: '2.0',
        header: header('application.bot.menu_v6'),
        event: { operator: { operator_id: { open_id: 'ou_1' } }, event_key: 'help' },
      },
      'ou_bot',
    );
    expect(result).toMatchObject({
      kind: 'message',
      inbound: { text: '/help', answerDirectly: true, sender: { userId: 'ou_1' } },
    });
  });

  it('welcomes a group the bot joins and a user who opens the direct chat', () => {
    expect(
      normaliseLarkEvent(
        { schema: '2.0', header: header('im.chat.member.bot.added_v1'), event: { chat_id: 'oc_9' } },
        'ou_bot',
      ),
    ).toEqual({ kind: 'welcome', eventKey: 'ev_1', to: { chatId: 'oc_9' } });
    expect(
      normaliseLarkEvent(
        {
          schema: '2.0',
          header: header('im.chat.access_event.bot_p2p_chat_entered_v1'),
          event: { operator_id: { open_id: 'ou_7' } },
        },
        'ou_bot',
      ),
    ).toEqual({ kind: 'welcome', eventKey: 'ev_1', to: { userId: 'ou_7' } });
  });
});
